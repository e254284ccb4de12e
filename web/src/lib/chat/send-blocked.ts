// Why Send cannot send, said beside it (QA4 #1: it was disabled without a word, the reason a
// tooltip of the model field): no provider, or no model — often because the provider refused
// the key, so its list of models did not come — or a key its provider refused when last checked.

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

/** "Fix it in Settings" opens that provider's row there, its heading focused (QA 5 #6). */
export const fixKeyHref = (id: string) => `/settings#key-${encodeURIComponent(id)}`;

/** Why the chosen provider and model cannot be sent to, or null when they can. */
export function sendBlockedReason(providers: readonly ProviderState[], provider: string, model: string, modelListError: string | null): SendBlocked | null {
  if (!providers.length) return { text: 'No provider is ready to answer.', href: '/settings#keys', link: 'Add an API key in Settings' };
  const chosen = providers.find((p) => p.id === provider);
  const name = chosen?.name ?? 'This provider';
  // The provider's own wording may point to Settings too: said once, with the link (QA 5 #5).
  if (!model && modelListError) {
    const why = modelListError.replace(/[;,.]?\s*check it in Settings[^.]*\.?$/i, '').replace(/[.\s]+$/, '');
    return { text: `No model to send to: ${name} listed none. ${why}.`, href: fixKeyHref(provider), link: 'Fix it in Settings' };
  }
  // A key its provider refused when last checked sends nothing until it is replaced or verifies
  // (QA 5 #3: a new chat's first send failed 401, with no word before it).
  if (chosen?.refused) return { text: `${name} refused your key when it was last checked.`, href: fixKeyHref(chosen.id), link: 'Fix it in Settings' };
  if (model) return null;
  return { text: 'Pick a model first (or type a model id) in the Model field.', href: null, link: null };
}
