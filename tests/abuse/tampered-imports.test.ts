// A tampered export (a 5,000-character title and model name, dates in 2099), fitted as the web
// app fits it (web/src/lib/import/fit.ts) and cut into its requests, goes into the real API
// whole: no chat refused for a cosmetic field, none dated above a chat started after it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toBatches } from '../../web/src/lib/import/batches.ts';
import { fitForImport } from '../../web/src/lib/import/fit.ts';
import { tamperedExport } from '../fixtures/tampered-export.ts';
import { parseMrPrompt } from '../../web/src/lib/import/mrprompt.ts';
import { createApiHarness, type ApiHarness } from '../helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

it('what it fits, the API takes: both chats come in, dated by now, below a chat started after', async () => {
  const carol = await api.createUser();
  const parsed = parseMrPrompt(tamperedExport());
  const { conversations } = fitForImport(parsed.conversations, parsed.skipped);
  for (const batch of toBatches(conversations, parsed.skipped)) {
    const res = await carol.request('POST', '/import', { conversations: batch.conversations });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  await carol.request('POST', '/sessions', { title: 'Started today' });
  const { sessions } = await (await carol.request('GET', '/sessions')).json();
  expect(sessions.map((s: { title: string }) => s.title)).toEqual(['Started today', 'From the future', conversations[0].title]);
  for (const s of sessions) expect(Date.parse(s.last_message_at)).toBeLessThanOrEqual(Date.now());
});
