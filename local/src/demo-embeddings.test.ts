import { describe, expect, it } from 'vitest';
import { demoEmbedding, demoEmbeddingsReply, DEMO_EMBEDDING_DIMENSIONS } from './demo-embeddings.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('demo embeddings', () => {
  it('are deterministic unit vectors; shared words (plural or not) bring texts closer', () => {
    const question = demoEmbedding('Which telescopes do we own?');
    expect(question).toHaveLength(DEMO_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...question)).toBeCloseTo(1, 10);
    expect(demoEmbedding('Which telescopes do we own?')).toEqual(question);
    const answer = cosine(question, demoEmbedding('Our observatory owns one telescope.'));
    const unrelated = cosine(question, demoEmbedding('General notes about kitchen duty.'));
    expect(answer).toBeGreaterThan(0.3);
    expect(unrelated).toBe(0);
  });

  it("answer /v1/embeddings in OpenAI's shape, floats or base64, and refuse a bad input", () => {
    const floats = demoEmbeddingsReply({ model: 'demo-embed', input: ['one text', 'another text'], encoding_format: 'float' });
    expect(floats.status).toBe(200);
    const body = floats.json as { data: { index: number; embedding: number[] }[]; usage: { prompt_tokens: number } };
    expect(body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(body.data[0]!.embedding).toEqual(demoEmbedding('one text'));
    expect(body.usage.prompt_tokens).toBe(4);
    const packed = demoEmbeddingsReply({ input: 'one text', encoding_format: 'base64' }).json as { data: { embedding: string }[] };
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(packed.data[0]!.embedding, 'base64')).buffer));
    expect(decoded.map((x) => x.toFixed(5))).toEqual(demoEmbedding('one text').map((x) => x.toFixed(5)));
    expect(demoEmbeddingsReply({ input: [] }).status).toBe(400);
  });
});
