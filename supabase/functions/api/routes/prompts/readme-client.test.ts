// The README's ten-line TypeScript client (cache 60 s, ETag revalidation, fallback), run as
// written against the real app: first fetch 200, cached within 60 s, revalidated with 304
// after, the last good copy when the API fails, the fallback when there never was one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
const dir = mkdtempSync(path.join(tmpdir(), 'readme-client-'));
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
  await api?.close();
});

it('caches for 60 s, revalidates with the ETag and falls back', async () => {
  const readme = readFileSync(path.join(__dirname, '../../../../../README.md'), 'utf8');
  const code = /```ts\n(type Resolved[\s\S]*?)```/.exec(readme)?.[1];
  expect(code, 'the README example').toBeTruthy();
  expect(code!.trim().split('\n').length).toBeLessThanOrEqual(14);
  const file = path.join(dir, 'client.ts');
  writeFileSync(file, code!);

  const alice = await api.createUser();
  const prompt = await (await alice.request('POST', '/prompts', { title: 'Support', name: 'support-reply', content: 'Be kind', config: { model: 'gpt-4o' } })).json();
  await alice.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 1 });
  const { key } = await (await alice.request('POST', '/api-keys', { name: 'app', scopes: ['prompts:read'] })).json();
  process.env.MRPROMPT_API = 'http://mrprompt.test/api';
  process.env.MRPROMPT_KEY = key;
  const statuses: number[] = [];
  let down = false;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (down) throw new TypeError('fetch failed');
    const res = await api.app.request(url.replace('http://mrprompt.test', ''), init);
    statuses.push(res.status);
    return res;
  });
  const { getPrompt } = await import(file);

  expect(await getPrompt('support-reply')).toMatchObject({ prompt: 'Be kind', version: 1, config: { model: 'gpt-4o' } });
  await getPrompt('support-reply');
  expect(statuses).toEqual([200]); // the second call came from the cache
  vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
  expect((await getPrompt('support-reply')).version).toBe(1);
  expect(statuses).toEqual([200, 304]);
  vi.setSystemTime(Date.now() + 61_000);
  down = true;
  expect((await getPrompt('support-reply')).prompt).toBe('Be kind'); // last good copy
  expect(await getPrompt('other', 'production', { prompt: 'Default', version: 0, config: {} })).toMatchObject({ prompt: 'Default' });
  await expect(getPrompt('other')).rejects.toThrow(/unavailable \(network\)/);
});
