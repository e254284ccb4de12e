// Why Send cannot send, said beside it (QA4 #1: it was disabled without a word, the reason a
// tooltip of the model field): no provider, or no model — often because the provider refused
// the key, so its list of models did not come — or a key its provider refused when last checked.
import type { ModelsListFailureCode } from '$lib/api';
import type { ModelListFailure } from '$lib/chat/provider-models';

/** The reason under a disabled Send, with the link that fixes it (if any). */
export interface SendBlocked {
  text: string;
  href: string | null;
  link: string | null;
}

/** A provider as the chat view knows it: `refused`, the user's own key refused when last checked. */
export interface ProviderState {
  id: string;
  name: string;
  refused?: boolean;
}

/**
 * Why the provider gave no list, worded here from the API's code (the generated union: a code the
 * API adds fails the type check until it is worded). Its message is the provider's wording, which
 * may point to Settings too; the link beside the reason already does.
 */
const LIST_FAILURES: Record<ModelsListFailureCode, (name: string) => string> = {
  provider_rejected_key: (name) => `${name} refused your key.`,
  models_unavailable: (name) => `${name} has no list of models at its base URL: type a model id, or check the URL.`,
  provider_unreachable: (name) => `${name} could not be reached for its models: try again later, or type a model id.`,
};

const isWorded = (code: string): code is ModelsListFailureCode => Object.hasOwn(LIST_FAILURES, code);

/** The reason for a failed list: worded from its code, else (a code this app does not know) its message. */
function listFailureReason(name: string, { code, message }: ModelListFailure): string {
  if (isWorded(code)) return LIST_FAILURES[code](name);
  const said = message.trim();
  return said.endsWith('.') || said.endsWith('?') || said.endsWith('!') ? said : `${said}.`;
}

/** "Fix it in Settings" opens that provider's row there, its heading focused (QA 5 #6). */
export const fixKeyHref = (id: string) => `/settings#key-${encodeURIComponent(id)}`;

/** Why the chosen provider and model cannot be sent to, or null when they can. */
export function sendBlockedReason(providers: readonly ProviderState[], provider: string, model: string, modelListError: ModelListFailure | null): SendBlocked | null {
  if (!providers.length) return { text: 'No provider is ready to answer.', href: '/settings#keys', link: 'Add an API key in Settings' };
  const chosen = providers.find((p) => p.id === provider);
  const name = chosen?.name ?? 'This provider';
  // Settings is named once, by the link (QA 5 #5).
  if (!model && modelListError) {
    return { text: `No model to send to: ${name} listed none. ${listFailureReason(name, modelListError)}`, href: fixKeyHref(provider), link: 'Fix it in Settings' };
  }
  // A key its provider refused when last checked sends nothing until it is replaced or verifies
  // (QA 5 #3: a new chat's first send failed 401, with no word before it).
  if (chosen?.refused) return { text: `${name} refused your key when it was last checked.`, href: fixKeyHref(chosen.id), link: 'Fix it in Settings' };
  if (model) return null;
  return { text: 'Pick a model first (or type a model id) in the Model field.', href: null, link: null };
}
