/**
 * Embeddings for the demo provider's `POST /v1/embeddings` (also the tests' fake provider):
 * deterministic and model-free. A text's vector counts its words — each lower-cased word of
 * three letters or more, a plural `s` dropped, hashed (FNV-1a) to one of `dimensions` slots —
 * scaled to unit length, so texts that share words point the same way and cosine distance
 * behaves like a crude search by meaning.
 *
 *   demoEmbedding('Where is the observatory?')  // 256 numbers, length 1
 */
export const DEMO_EMBEDDING_DIMENSIONS = 256;

export function demoEmbedding(text: string, dimensions = DEMO_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of demoEmbeddingWords(text)) vector[fnv1a(word) % dimensions]! += 1;
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((x) => x / length);
}

/** The words a text's demo embedding counts (also its token count in the usage it reports). */
export function demoEmbeddingWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []).map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word));
}

/** The `/v1/embeddings` reply for a request body (OpenAI's shape; `encoding_format: base64` as the SDK asks by default). */
export function demoEmbeddingsReply(body: unknown): { status: number; json: unknown } {
  const request = (body && typeof body === 'object' ? body : {}) as { input?: unknown; model?: unknown; encoding_format?: unknown };
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => typeof x === 'string')) {
    return { status: 400, json: { error: { message: "'input' must be a string or a non-empty array of strings", type: 'invalid_request_error', code: null } } };
  }
  const base64 = request.encoding_format === 'base64';
  let tokens = 0;
  const data = inputs.map((input: string, index) => {
    tokens += Math.max(1, demoEmbeddingWords(input).length);
    const vector = demoEmbedding(input);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
  });
  const model = typeof request.model === 'string' ? request.model : 'demo-embed';
  return { status: 200, json: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
