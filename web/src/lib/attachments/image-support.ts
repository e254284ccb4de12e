// What the web app knows of whether the chosen model reads images, from the server's catalog
// (GET /providers, where each listed model has `vision`). The server decides the same way
// (supportsVision in the API): only a model the catalog knows cannot read images is refused.
// A model the catalog does not list (a router's, a local server's, a custom endpoint's, a
// newer one) is unknown, not blind: its images go, and the provider's own refusal, if any,
// comes back with the answer.

/** `reads`: listed with vision; `blind`: listed without; `unknown`: not listed. */
export type ImageSupport = 'reads' | 'blind' | 'unknown';

/** What the catalog entry of the chosen model (undefined: not in the catalog) says about images. */
export function imageSupport(model: { vision: boolean } | undefined): ImageSupport {
  if (!model) return 'unknown';
  return model.vision ? 'reads' : 'blind';
}
