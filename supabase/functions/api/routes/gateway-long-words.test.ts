// The gateway's own token counts (no usage chunk came) of text made of one long word. The
// tokenizer's work grows with the square of a run's length, on the function's one event loop:
// a 200 KB one-word message held every user's streams for 17.7 s (security finding, QA pass 2).
// lib/tokens.ts hands it no long run. Without that the 1 MB test never finishes in a test run;
// the timeouts are generous, not a measure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, eventually, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { MESSAGE_OVERHEAD } from '../lib/chat/context.ts';
import { countTokensLazily } from '../lib/tokens.ts';

let api: ApiHarness;
beforeAll(async () => {
  // An operator may allow bodies up to 16 MiB (config.ts); 4 MiB lets a 1 MB word through.
  api = await createApiHarness({ env: { MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
});
afterAll(async () => {
  await api?.close();
});

async function usageLog(id: string) {
  const [log] = await eventually(async () => {
    const rows = await api.db.sql`select status, error_code, prompt_tokens, completion_tokens, tokens_estimated from public.prompt_usage_logs where id = ${id}`;
    return rows.length ? rows : null;
  }, 120_000);
  return log!;
}

describe('gateway calls of one long word, counted by us', () => {
  it('counts a 200 KB one-word message whose client leaves at once', async () => {
    const alice = await api.createUser();
    const res = await alice.request('POST', '/v1/chat/completions', { model: 'demo/demo-model', stream: true, messages: [{ role: 'user', content: 'a'.repeat(200 * 1024) }] });
    expect(res.status).toBe(200);
    const logId = res.headers.get('x-mrprompt-usage-log-id')!;
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel(); // the client goes away: no usage chunk reaches the gateway
    // 8 letters a token, as the tokenizer counts it whole, and the message's framing — unless the
    // demo's own usage chunk reached the gateway before the cancel did (a loaded machine), and
    // its count, not ours, is logged.
    const log = await usageLog(logId);
    expect(log).toMatchObject({ status: 'stopped', error_code: 'client_disconnected' });
    if (log.tokens_estimated) expect(log.prompt_tokens).toBe(25_600 + MESSAGE_OVERHEAD);
    else expect(log.prompt_tokens).toBeGreaterThan(25_600);
  }, 300_000);

  it('counts a 1 MB one-word message and the 1 MB word streamed back when the provider drops the stream', async () => {
    const alice = await api.createUser();
    const word = 'a'.repeat(1_000_000);
    const message = `/echo ${word}`; // the fake provider answers with the word, in one chunk
    api.fakeProvider.setMode('drop'); // the connection dies after it: no usage chunk
    let logId: string;
    let text: string;
    try {
      const res = await alice.request('POST', '/v1/chat/completions', { model: 'demo/demo-model', stream: true, messages: [{ role: 'user', content: message }] });
      expect(res.status).toBe(200);
      logId = res.headers.get('x-mrprompt-usage-log-id')!;
      text = await res.text();
    } finally {
      api.fakeProvider.setMode('ok');
    }
    expect(text).toContain(word);
    const count = await countTokensLazily();
    expect(await usageLog(logId)).toMatchObject({
      status: 'error', error_code: 'provider_connection_lost', prompt_tokens: count(message) + MESSAGE_OVERHEAD, completion_tokens: 125_000, tokens_estimated: true,
    });
    expect(count(message)).toBeGreaterThanOrEqual(125_000);
    expect(count(message)).toBeLessThan(125_010);
  }, 300_000);
});
