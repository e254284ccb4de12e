/**
 * What the chat's model picker offers for a provider: the catalog's models first (named, with
 * known context windows), then the models the provider itself lists for the user's key
 * (GET /api/providers/{id}/models) that the catalog lacks, then the chat's current model if
 * neither has it (a saved chat keeps showing its model). Pure, so it is unit-tested.
 */
export interface ModelOption {
  id: string;
  name: string;
}

export interface ModelOptions {
  suggested: ModelOption[];
  /** From the provider's own list. */
  listed: ModelOption[];
}

/**
 * Model families a providers' list carries that do not chat (OpenAI lists embeddings, speech,
 * images and moderation beside its chat models; Ollama and Mistral list embedders too).
 */
const NOT_CHAT = /(^|[-/:._])(embed|embedding|embeddings|whisper|tts|dall-e|moderation|transcribe|image|realtime|davinci|babbage)(?=$|[-/:._\d])/i;

export const chatsWith = (id: string) => !NOT_CHAT.test(id);

export function modelOptions(catalog: readonly ModelOption[], listed: readonly { id: string; name: string | null }[], current: string): ModelOptions {
  const seen = new Set(catalog.map((m) => m.id));
  const fromProvider: ModelOption[] = [];
  for (const m of listed) {
    if (seen.has(m.id) || !chatsWith(m.id)) continue;
    seen.add(m.id);
    fromProvider.push({ id: m.id, name: m.name ?? m.id });
  }
  const suggested = [...catalog];
  if (current && !seen.has(current)) suggested.push({ id: current, name: current });
  return { suggested, listed: fromProvider };
}
