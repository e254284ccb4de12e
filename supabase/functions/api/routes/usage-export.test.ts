// GET /api/usage/export: every call of a range as CSV, oldest first, the caller's only, with
// the chat, project and prompt each came from, formulas escaped, paged through by keyset
// without a gap or a repeat (many calls in the same millisecond included).
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const range = 'from=2026-05-01&to=2026-05-08';
type Row = Record<string, string>;

async function exported(user: ApiUser, query = range): Promise<{ res: Response; text: string; rows: Row[] }> {
  const res = await user.request('GET', `/usage/export?${query}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return { res, text, rows: res.status === 200 ? parse(text, { columns: true, bom: true }) as Row[] : [] };
}

describe('GET /api/usage/export', () => {
  it("lists the caller's calls of the range oldest first, with their chat, project and prompt, as an attachment", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const project = await (await alice.request('POST', '/projects', { name: 'Support, EU' })).json();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'Reply "kindly"', content: 'Be kind.' })).json();
    const [chat] = await api.db.sql`
      insert into public.chat_sessions (user_id, project_id, title) values (${alice.id}, ${project.id}, '=HYPERLINK("https://evil.example","Ünïcode")') returning id`;
    const insert = (user: ApiUser, at: string, extra: { session?: string; promptId?: string; cost?: string | null; status?: string } = {}) => api.db.sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, latency_ms, ttft_ms, prompt_tokens, completion_tokens, token_count,
                                            cached_tokens, cost_usd, session_id, prompt_id, prompt_version, error_code, executed_at)
      values (${user.id}, 'openai', 'gpt-4o-mini', ${extra.status ?? 'success'}, 900, 120, 1000, 50, 1050, 200,
              ${extra.cost === undefined ? '0.000123456' : extra.cost}::numeric, ${extra.session ?? null}, ${extra.promptId ?? null},
              ${extra.promptId ? 1 : null}, ${extra.status === 'error' ? 'provider_unavailable' : null}, ${at}::timestamptz)`;
    await insert(alice, '2026-05-03T10:00:00.250Z', { session: chat.id, promptId: prompt.id });
    await insert(alice, '2026-05-01T08:00:00Z', { cost: null, status: 'error' });
    await insert(alice, '2026-04-30T23:59:59Z'); // before the range
    await insert(alice, '2026-05-08T00:00:00Z'); // `to` is exclusive
    await insert(bob, '2026-05-02T00:00:00Z'); // someone else's

    const { res, text, rows } = await exported(alice);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mrprompt-usage-2026-05-01_2026-05-07.csv"');
    expect(text.startsWith('\ufeffexecuted_at,provider,model,status,error_code,chat_id,chat_title,')).toBe(true);
    expect(rows.map((r) => r.executed_at)).toEqual(['2026-05-01T08:00:00.000Z', '2026-05-03T10:00:00.250Z']);
    expect(rows[0]).toMatchObject({ status: 'error', error_code: 'provider_unavailable', cost_usd: '', chat_id: '', prompt_id: '' });
    expect(rows[1]).toMatchObject({
      provider: 'openai', model: 'gpt-4o-mini', status: 'success', error_code: '', chat_id: chat.id, project_id: project.id,
      project_name: 'Support, EU', prompt_id: prompt.id, prompt_title: 'Reply "kindly"', prompt_version: '1', prompt_tokens: '1000',
      cached_tokens: '200', completion_tokens: '50', total_tokens: '1050', cost_usd: '0.000123456', ttft_ms: '120', latency_ms: '900',
    });
    // A cell a spreadsheet would run as a formula is text.
    expect(rows[1]!.chat_title).toBe(`'=HYPERLINK("https://evil.example","Ünïcode")`);

    // One prompt's calls only.
    const only = await exported(alice, `${range}&prompt_id=${prompt.id}`);
    expect(only.rows.map((r) => r.prompt_id)).toEqual([prompt.id]);
  });

  it('pages through thousands of calls, many in the same millisecond, with no gap or repeat', async () => {
    const carol = await api.createUser();
    await api.db.sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, prompt_tokens, completion_tokens, token_count, executed_at)
      select ${carol.id}, 'groq', 'llama', 'success', 1, 1, 2, '2026-05-02T12:00:00Z'::timestamptz + (i / 7) * interval '1 microsecond'
        from generate_series(1, 4500) i`;
    const { rows } = await exported(carol);
    expect(rows).toHaveLength(4500);
    const [{ ids }] = await api.db.sql`select count(*)::int as ids from public.prompt_usage_logs where user_id = ${carol.id}`;
    expect(ids).toBe(4500);
    expect(rows.map((r) => r.executed_at)).toEqual([...rows.map((r) => r.executed_at)].sort());
  });

  it('answers an empty range with the header only, bad ranges with 400, and no token with 401', async () => {
    const dave = await api.createUser();
    const empty = await exported(dave);
    expect(empty.res.status).toBe(200);
    expect(empty.text.trim().split('\n')).toHaveLength(1);
    expect((await exported(dave, 'from=2026-05-08&to=2026-05-01')).res.status).toBe(400);
    expect((await exported(dave, 'from=2024-01-01&to=2026-05-01')).res.status).toBe(400);
    expect((await api.request('GET', `/usage/export?${range}`)).status).toBe(401);
  });
});
