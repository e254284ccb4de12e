// The playground's model choices, as the gateway takes them (`provider/model`): models picked
// as in the chat's header, and SAVED, which runs each version with the model saved in its own
// settings. Pure, so it is unit-tested (models.test.ts).
import type { PromptConfig } from '$lib/chat/prompt-settings';

/** The choice that runs each version with its own saved model. */
export const SAVED = 'saved';

export interface PickerProvider {
  id: string;
  name: string;
  models: { id: string; name: string }[];
  any_model: boolean;
}

/** The gateway's model id for a provider's model. */
export const gatewayModel = (provider: string, model: string) => `${provider}/${model}`;

/** "Provider · Model" for a `provider/model` id: the catalog's names where it has them. */
export function modelLabel(id: string, providers: readonly PickerProvider[]): string {
  const slash = id.indexOf('/');
  const provider = providers.find((p) => p.id === id.slice(0, slash));
  const model = id.slice(slash + 1);
  if (!provider) return id;
  return `${provider.name} · ${provider.models.find((m) => m.id === model)?.name ?? model}`;
}

/**
 * The model a version's saved settings name, or why it cannot run with it: as picking the prompt
 * in the chat applies them (lib/chat/prompt-settings.ts) — a provider without a model means its
 * first model — except that there is no chat model to fall back on, so each gap is said.
 */
export function savedModel(version: number, config: PromptConfig, providers: readonly PickerProvider[]): { model: string } | { problem: string } {
  if (!config.provider) {
    return { problem: config.model ? `v${version} saves the model ${config.model} but no provider: save the provider with it, or pick a model here.` : `v${version} has no saved model: pick one under Models.` };
  }
  const provider = providers.find((p) => p.id === config.provider);
  const saved = config.model ? `${config.provider} / ${config.model}` : config.provider;
  if (!provider) return { problem: `v${version} was saved for ${saved}, which you have no key for: add one in Settings › API keys, or pick another model here.` };
  if (config.model) {
    if (provider.any_model || provider.models.some((m) => m.id === config.model)) return { model: gatewayModel(provider.id, config.model) };
    return { problem: `${provider.name} has no model ${config.model} (saved with v${version}).` };
  }
  const first = provider.models[0];
  return first ? { model: gatewayModel(provider.id, first.id) } : { problem: `v${version} saves ${provider.name} without a model: save one with it, or pick a model here.` };
}

/** Whether any version saved model settings the playground could run with or explain. */
export const anySaved = (versions: readonly { config: PromptConfig }[]) => versions.some((v) => Boolean(v.config.provider || v.config.model));

/** The other settings a version saved, as a run applies them through the gateway ("temperature 0.2, at most 300 tokens"). */
export function savedTuning(config: PromptConfig): string {
  return [
    config.temperature !== undefined ? `temperature ${config.temperature}` : '',
    config.max_tokens !== undefined ? `at most ${config.max_tokens} tokens` : '',
  ].filter(Boolean).join(', ');
}
