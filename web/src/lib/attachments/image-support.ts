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

/** Why a send holding images does not go: the chosen model cannot read them ('' when nothing holds it). */
export function unreadableImagesNote(images: ImageSupport, modelLabel: string, imageNames: readonly string[]): string {
  if (images !== 'blind' || imageNames.length === 0) return '';
  return `${modelLabel} cannot read images: remove ${imageNames.map((n) => `"${n}"`).join(', ')} or pick a model that can. Nothing was sent.`;
}
