// Fitting prompts to what POST /api/import/prompts takes: no prompt is skipped for a cosmetic
// field (checked against the API's own item schema), what was changed is counted, and a request
// that fails is reported with the API's reason by prompt, "try again" kept for what may work later.
import { describe, expect, it } from 'vitest';
import { ImportPromptItem } from '../../../../supabase/functions/api/lib/import/prompt-import';
import { ApiError, createApi } from '../api';
import { fitPrompts, fittedTags, promptAdjustedText } from './prompt-fit';
import { parsePromptFile, runPromptImport, withPromptNames } from './prompts';

const NOW = Date.parse('2026-12-07T00:00:00Z');

/** A Mr.Prompt export whose prompts the API refused for cosmetic fields alone. */
function tamperedPrompts() {
  return {
    format: 'mrprompt-export/1',
    prompts: [
      { title: `Long ${'T'.repeat(5_000)}`, content: 'Hi {{name}}', description: 'd'.repeat(3_000), tags: ['Data Science', 'ok', 'OK', 'Données', '!!!'], config: { model: 'gpt-4o\u001b[31m', temperature: 0.5 } },
      { title: 'Dated ahead', versions: [
        { version: 1, title: 'Dated ahead', content: 'One', created_at: '2024-05-01T10:00:00Z' },
        { version: 2, title: '  ', content: 'Two', created_at: '2099-01-01T00:00:00Z' },
        { version: 3, title: 'Dated ahead', content: 'Three', created_at: 'last Tuesday' },
      ] },
      { title: '', content: '\n  Summarise the {{text}} below  \nin three lines' },
    ],
  };
}

describe('fitPrompts', () => {
  it('fits titles, descriptions, tags, model names and version dates so the API takes every prompt, counting each change', () => {
    const parsed = parsePromptFile(JSON.stringify(tamperedPrompts()));
    for (const item of parsed.items) expect(ImportPromptItem.safeParse(item.body).success).toBe(false);
    const { items, adjusted } = fitPrompts(parsed.items, NOW);
    for (const item of items) expect(ImportPromptItem.safeParse(item.body).error?.issues ?? []).toEqual([]);
    const [long, dated, untitled] = items.map((item) => item.body as Record<string, unknown>);
    expect(long.title).toMatch(/^Long T+…$/);
    expect((long.title as string).length).toBeLessThanOrEqual(200);
    expect((long.description as string).length).toBeLessThanOrEqual(2_000);
    expect(long.tags).toEqual(['data-science', 'ok', 'donnees']);
    expect(long.config).toEqual({ model: 'gpt-4o[31m', temperature: 0.5 });
    expect((dated.versions as { title: string; created_at: string | null }[]).map((v) => [v.title, v.created_at]))
      .toEqual([['Dated ahead', '2024-05-01T10:00:00.000Z'], ['Dated ahead', null], ['Dated ahead', null]]);
    expect(untitled.title).toBe('Summarise the {{text}} below');
    expect(adjusted).toEqual({ long_title: 1, untitled: 1, long_description: 1, tags: 1, model_name: 1, odd_time: 2 });
    expect(promptAdjustedText('odd_time', 2)).toBe('2 version dates in the future, before 2000 or unreadable left out (each such version is dated as the one before it)');
  });

  it('leaves what a prompt says (its template, settings) and what is not a prompt for the API to judge', () => {
    const items = [
      { label: 'Hot', body: { title: 'Hot', content: 'x', config: { temperature: 7 } } },
      { label: 'Item 2', body: 'not a prompt' },
      { label: 'Clean', body: { title: 'Clean', content: 'Hi', tags: ['a', 'b'] } },
    ];
    const { items: fitted, adjusted } = fitPrompts(items, NOW);
    expect(fitted).toEqual(items);
    expect(adjusted).toEqual({});
    expect(fittedTags(Array.from({ length: 30 }, (_, i) => `t${i}`))).toHaveLength(20);
  });
});

describe('a prompt request that fails', () => {
  const answer = (status: number, code: string, message: string) =>
    new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });
  const importWith = (response: () => Response) =>
    runPromptImport({ format: 'chatbot-ui', items: [{ label: `Trip ${'x'.repeat(300)}`, body: { title: 'Trip', content: 'x' } }, { label: 'B', body: { title: 'B', content: 'y' } }] },
      () => {}, createApi(async () => response(), 'http://app.test'));

  it("gives the API's reason by prompt and no 'try again' for a refusal", async () => {
    const report = await importWith(() => answer(401, 'unauthorized', 'Please sign in again'));
    expect(report.failures).toEqual([{ titles: [`Trip ${'x'.repeat(300)}`, 'B'], reason: 'Please sign in again', retry: false }]);
    const sent = [{ label: 'Summarise', body: {} }, { label: 'Translate', body: {} }];
    expect(withPromptNames('prompts.1: Invalid input; prompts: Too big', sent)).toBe('“Translate”: Invalid input; prompts: Too big');
  });

  it("keeps 'try again' for no answer and the server failing", async () => {
    expect((await importWith(() => answer(503, 'database_unavailable', 'Down'))).failures).toMatchObject([{ reason: 'Down', retry: true }]);
    const unreachable = await runPromptImport({ format: 'chatbot-ui', items: [{ label: 'A', body: { title: 'A', content: 'x' } }] }, () => {},
      createApi(async () => { throw new ApiError(0, 'unreachable', 'Mr.Prompt could not be reached.'); }, 'http://app.test'));
    expect(unreachable.failures).toMatchObject([{ titles: ['A'], retry: true }]);
  });
});
