// What picking a library prompt in the chat does to the chat's settings: the model settings
// saved with the prompt's version (provider, model, temperature, longest answer) apply when the
// user can call that provider, and a note says what changed or why the model did not.

export interface PromptConfig {
  provider?: string;
  model?: string;
  temperature?: number;
  max_tokens?: number;
}

interface Choice {
  id: string;
  name: string;
  models: { id: string; name: string }[];
  any_model: boolean;
}

export interface AppliedSettings {
  provider: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** What changed, for the chat's notice. */
  note: string;
}

/** The settings after picking a prompt with `config`, or null when it saved none. */
export function promptSettings(config: PromptConfig, providers: Choice[], current: { provider: string; model: string }): AppliedSettings | null {
  const out: AppliedSettings = { ...current, note: '' };
  const changed: string[] = [];
  let unusable = '';
  if (config.provider && config.provider !== current.provider) {
    const target = providers.find((p) => p.id === config.provider);
    if (target) {
      out.provider = target.id;
      out.model = target.models[0]?.id ?? '';
    } else {
      unusable = `It was saved for ${config.provider}${config.model ? ` / ${config.model}` : ''}, which you have no key for: the chat keeps its model.`;
    }
  }
  if (config.model && !unusable) {
    const on = providers.find((p) => p.id === out.provider);
    if (on && (on.any_model || on.models.some((m) => m.id === config.model))) out.model = config.model;
    else if (on) unusable = `${on.name} has no model ${config.model}: the chat keeps ${out.model}.`;
  }
  if (out.provider !== current.provider || out.model !== current.model) changed.push(out.model ? `${out.provider} / ${out.model}` : out.provider);
  if (config.temperature !== undefined) {
    out.temperature = config.temperature;
    changed.push(`temperature ${config.temperature}`);
  }
  if (config.max_tokens !== undefined) {
    out.maxTokens = config.max_tokens;
    changed.push(`at most ${config.max_tokens} tokens`);
  }
  if (changed.length === 0 && !unusable) return null;
  out.note = [changed.length ? `Using the prompt's settings: ${changed.join(', ')}.` : '', unusable].filter(Boolean).join(' ');
  return out;
}
