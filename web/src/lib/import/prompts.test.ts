// Reading prompt files (this app's export, chatbot-ui's) and cutting them into requests
// within the API's limits.
import { describe, expect, it } from 'vitest';
import { createApi } from '../api';
import { fitPrompts } from './prompt-fit';
import { parsePromptFile, promptBatches, runPromptImport, type PromptItem } from './prompts';
import { UnknownFormat } from './run';

describe('prompt files', () => {
  it("reads a Mr.Prompt export's prompts as they are (the API reads versions and labels)", () => {
    const prompt = { id: 'p1', title: 'Reply', content: 'Hi {{x}}', versions: [{ version: 1, title: 'Reply', content: 'Hi {{x}}' }], labels: [] };
    const parsed = parsePromptFile(JSON.stringify({ format: 'mrprompt-export/1', sessions: [], prompts: [prompt] }));
    expect(parsed).toEqual({ format: 'mrprompt', items: [{ label: 'Reply', body: prompt }], chats: 0 });
  });

  it("reads chatbot-ui's prompts (name → title), keeps unreadable ones for the API to explain, and takes a bare array", () => {
    const file = { version: 4, history: [], folders: [], prompts: [
      { id: '1', name: 'Summarise', description: 'Short', content: 'Summarise {{text}}', model: {}, folderId: null },
      { id: '2', name: 'Broken' },
    ] };
    const parsed = parsePromptFile(JSON.stringify(file));
    expect(parsed.format).toBe('chatbot-ui');
    expect(parsed.items).toEqual([
      { label: 'Summarise', body: { title: 'Summarise', content: 'Summarise {{text}}', description: 'Short' } },
      { label: 'Broken', body: { id: '2', name: 'Broken' } },
    ]);
    expect(parsePromptFile(JSON.stringify([{ name: 'A', content: 'b' }])).items[0].body).toEqual({ title: 'A', content: 'b', description: '' });
  });

  it('says what is wrong with a file that is not JSON or has no prompts', () => {
    expect(() => parsePromptFile('nope')).toThrow(UnknownFormat);
    expect(() => parsePromptFile('{"sessions":[]}')).toThrow(/no prompts/);
  });

  it('sends at most 100 prompts and about 7 MB a request, and sets aside one too large for any', () => {
    const small = Array.from({ length: 250 }, (_, i) => ({ label: `p${i}`, body: { title: `p${i}`, content: 'x' } }));
    expect(promptBatches(small).batches.map((b) => b.length)).toEqual([100, 100, 50]);
    const big = Array.from({ length: 10 }, (_, i) => ({ label: `b${i}`, body: { title: `b${i}`, content: 'x'.repeat(1_000_000) } }));
    const huge = { label: 'huge', body: { title: 'huge', content: 'x'.repeat(8_000_000) } };
    const { batches, tooLarge } = promptBatches([...big, huge]);
    expect(batches.map((b) => b.length)).toEqual([7, 3]);
    expect(tooLarge.map((item) => item.label)).toEqual(['huge']);
  });

  it('keeps each request within 200 saved test cases, as the API takes them, and a prompt to its first 200', () => {
    const cases = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `case ${i}`, variables: {} }));
    const items = Array.from({ length: 5 }, (_, i) => ({ label: `p${i}`, body: { title: `p${i}`, content: 'c', test_cases: cases(60) } }));
    expect(promptBatches(items).batches.map((b) => b.length)).toEqual([3, 2]);
    const { items: fitted, adjusted } = fitPrompts([{ label: 'many', body: { title: 'many', content: 'c', test_cases: cases(250) } }]);
    expect((fitted[0].body as { test_cases: unknown[] }).test_cases).toEqual(cases(200));
    expect(adjusted).toEqual({ test_cases: 1 });
  });

  it('sends a prompt over 7 MB with its versions with its newest versions that fit, and says how many older ones were left out', () => {
    // 90 versions of 100,000 characters, in the file newest first, labels on the oldest and the newest.
    const versions = Array.from({ length: 90 }, (_, i) => ({ version: 90 - i, title: 't', content: `${90 - i} ${'x'.repeat(100_000)}`, created_at: '2024-01-01T00:00:00Z' }));
    const labels = [{ label: 'first', version: 1 }, { label: 'prod', version: 90 }];
    const huge = { label: 'huge', body: { title: 'huge', name: 'huge', versions, labels } };
    const { batches, tooLarge } = promptBatches([{ label: 'small', body: { title: 's', content: 'c' } }, huge]);
    expect(tooLarge).toEqual([]);
    const sent = batches.flat().find((item) => item.label === 'huge')!;
    const kept = (sent.body as { versions: { version: number }[] }).versions;
    expect(kept.length + sent.leftOut!).toBe(90);
    expect(kept.length).toBeGreaterThan(60);
    expect(kept.map((v) => v.version)).toEqual(Array.from({ length: kept.length }, (_, i) => 90 - i)); // the newest, in file order
    expect(sent.body).toMatchObject({ title: 'huge', name: 'huge', labels });
    for (const batch of batches) expect(new TextEncoder().encode(JSON.stringify({ prompts: batch.map((item) => item.body) })).length).toBeLessThanOrEqual(7 * 1024 * 1024 + 1024);
  });

  it('sends at most 1,000 versions a request (the API refuses more), a prompt with more with its newest 1,000', () => {
    const withVersions = (label: string, count: number) => ({
      label, body: { title: label, versions: Array.from({ length: count }, (_, i) => ({ version: i + 1, title: label, content: `${i}` })) },
    });
    const { batches, tooLarge } = promptBatches([withVersions('a', 600), withVersions('b', 300), withVersions('c', 200), { label: 'd', body: { title: 'd', content: 'x' } }, withVersions('e', 2_500)]);
    expect(tooLarge).toEqual([]);
    const versions = (item: PromptItem) => (item.body as { versions?: unknown[] }).versions?.length ?? 1;
    expect(batches.map((b) => b.map((item) => [item.label, versions(item)]))).toEqual([[['a', 600], ['b', 300]], [['c', 200], ['d', 1]], [['e', 1_000]]]);
    const cut = batches[2]![0]!;
    expect(cut.leftOut).toBe(1_500);
    expect((cut.body as { versions: { version: number }[] }).versions.map((v) => v.version)).toEqual(Array.from({ length: 1_000 }, (_, i) => 1_501 + i));
  });
});

describe('sending prompts', () => {
  it('waits out a 429 (Retry-After) and then imports, instead of reporting the batch as failed', async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many import requests' } }), { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' } }),
      new Response(JSON.stringify({ results: [{ index: 0, status: 'imported', prompt_id: '0190a0b0-0000-7000-8000-000000000001', name: 'a', title: 'A', versions: 1, renamed_from: null }] }), { status: 200, headers: { 'content-type': 'application/json' } }),
    ];
    const calls: string[] = [];
    const api = createApi(async (input) => {
      calls.push(input instanceof Request ? input.url : String(input));
      return answers.shift()!;
    }, 'http://app.test');
    const report = await runPromptImport({ format: 'chatbot-ui', items: [{ label: 'A', body: { title: 'A', content: 'x' } }] }, () => {}, api);
    expect(report.failures).toEqual([]);
    expect(report.imported.map((p) => p.title)).toEqual(['A']);
    expect(calls).toEqual(['http://app.test/api/import/prompts', 'http://app.test/api/import/prompts']);
  });

  it('reports how many older versions of a prompt too large with all of them were left out', async () => {
    const versions = Array.from({ length: 80 }, (_, i) => ({ version: i + 1, title: 't', content: 'y'.repeat(100_000) }));
    const sent: { versions: unknown[] }[] = [];
    const api = createApi(async (input) => {
      const body = await (input as Request).json();
      sent.push(...body.prompts);
      const results = body.prompts.map((p: { versions: unknown[] }, index: number) => ({ index, status: 'imported', prompt_id: '0190a0b0-0000-7000-8000-000000000002', name: 'big', title: 'Big', versions: p.versions.length, renamed_from: null }));
      return new Response(JSON.stringify({ results }), { status: 200, headers: { 'content-type': 'application/json' } });
    }, 'http://app.test');
    const report = await runPromptImport({ format: 'mrprompt', items: [{ label: 'Big', body: { title: 'Big', versions } }] }, () => {}, api);
    expect(report.skipped).toEqual([]);
    expect(report.imported).toHaveLength(1);
    expect(report.imported[0].versions + report.imported[0].left_out).toBe(80);
    expect(report.imported[0].left_out).toBe(80 - sent[0].versions.length);
    expect(report.imported[0].left_out).toBeGreaterThan(0);
  });
});
