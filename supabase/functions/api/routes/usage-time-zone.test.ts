// /api/usage in the caller's time zone (`tz`): calls counted on their local calendar day and
// ranges of days bounded by local midnights, across the days summer time starts and ends
// (23 and 25 hours long), in the report, the dashboard summary and the CSV export; UTC by
// default; a zone no one knows is a 400 that says so.
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

async function calls(user: ApiUser, instants: string[]) {
  await api.db.sql`
    insert into public.prompt_usage_logs (user_id, provider, model, status, prompt_tokens, completion_tokens, token_count, executed_at)
    select ${user.id}, 'openai', 'gpt-4o-mini', 'success', 1, 1, 2, at from unnest(${instants}::text[]::timestamptz[]) at`;
}

const perDay = (report: { groups: { day: string; calls: number }[] }) => report.groups.map((g) => [g.day, g.calls]);

describe('usage in a time zone', () => {
  it('counts calls on their local day when summer time starts (Europe/Berlin, 2026-03-29: 23 hours)', async () => {
    const alice = await api.createUser();
    await calls(alice, [
      '2026-03-28T22:59:59Z', // 23:59:59 CET on the 28th
      '2026-03-28T23:00:00Z', // midnight on the 29th
      '2026-03-29T00:59:59Z', // 01:59:59 CET, the second before the clocks jump to 03:00
      '2026-03-29T01:00:00Z', // 03:00 CEST
      '2026-03-29T21:59:59Z', // 23:59:59 CEST
      '2026-03-29T22:00:00Z', // midnight on the 30th
    ]);
    const res = await alice.request('GET', '/usage?from=2026-03-28&to=2026-03-31&tz=Europe/Berlin');
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ from: '2026-03-27T23:00:00.000Z', to: '2026-03-30T22:00:00.000Z', time_zone: 'Europe/Berlin' });
    expect(perDay(report)).toEqual([['2026-03-28', 1], ['2026-03-29', 4], ['2026-03-30', 1]]);

    // The 29th alone is 23 hours: from the midnight before the jump to the one after it.
    const day = await (await alice.request('GET', '/usage?from=2026-03-29&to=2026-03-30&tz=Europe/Berlin')).json();
    expect([day.from, day.to]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(day.totals.calls).toBe(4);

    // Without `tz`, days are UTC's, as before.
    const utc = await (await alice.request('GET', '/usage?from=2026-03-28&to=2026-03-31')).json();
    expect(utc).toMatchObject({ from: '2026-03-28T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', time_zone: 'UTC' });
    expect(perDay(utc)).toEqual([['2026-03-28', 2], ['2026-03-29', 4]]);
  });

  it('counts the repeated hour once, on its day, when summer time ends (Europe/Berlin, 2026-10-25: 25 hours)', async () => {
    const alice = await api.createUser();
    await calls(alice, [
      '2026-10-24T21:59:59Z', // 23:59:59 CEST on the 24th
      '2026-10-24T22:00:00Z', // midnight on the 25th
      '2026-10-25T00:30:00Z', // 02:30 CEST
      '2026-10-25T01:30:00Z', // 02:30 CET, the same wall-clock time an hour later
      '2026-10-25T22:59:59Z', // 23:59:59 CET
      '2026-10-25T23:00:00Z', // midnight on the 26th
    ]);
    const report = await (await alice.request('GET', '/usage?from=2026-10-24&to=2026-10-27&tz=Europe/Berlin')).json();
    expect(perDay(report)).toEqual([['2026-10-24', 1], ['2026-10-25', 4], ['2026-10-26', 1]]);
    const day = await (await alice.request('GET', '/usage?from=2026-10-25&to=2026-10-26&tz=Europe/Berlin')).json();
    expect([day.from, day.to]).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(day.totals.calls).toBe(4);
  });

  it('puts an evening call in Los Angeles on that evening, across both changes of 2026', async () => {
    const alice = await api.createUser();
    await calls(alice, [
      '2026-03-08T07:30:00Z', // 23:30 PST on 7 March (UTC says the 8th)
      '2026-03-08T09:59:59Z', // 01:59:59 PST on the 8th, before the jump
      '2026-03-08T10:00:00Z', // 03:00 PDT
      '2026-11-01T08:30:00Z', // 01:30 PDT on 1 November
      '2026-11-01T09:30:00Z', // 01:30 PST, an hour later
      '2026-11-02T07:30:00Z', // 23:30 PST on 1 November
    ]);
    const spring = await (await alice.request('GET', '/usage?from=2026-03-07&to=2026-03-09&tz=America/Los_Angeles')).json();
    expect(spring).toMatchObject({ from: '2026-03-07T08:00:00.000Z', to: '2026-03-09T07:00:00.000Z' });
    expect(perDay(spring)).toEqual([['2026-03-07', 1], ['2026-03-08', 2]]);
    const autumn = await (await alice.request('GET', '/usage?from=2026-11-01&to=2026-11-02&tz=America/Los_Angeles')).json();
    expect(autumn).toMatchObject({ from: '2026-11-01T07:00:00.000Z', to: '2026-11-02T08:00:00.000Z' });
    expect(perDay(autumn)).toEqual([['2026-11-01', 3]]);
  });

  it('answers the dashboard summary in the zone', async () => {
    const alice = await api.createUser();
    await calls(alice, ['2026-05-01T23:30:00Z', '2026-05-02T12:00:00Z']);
    const res = await alice.request('GET', '/usage/summary?from=2026-05-01&to=2026-05-03&tz=Asia/Tokyo');
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s).toMatchObject({ from: '2026-04-30T15:00:00.000Z', to: '2026-05-02T15:00:00.000Z', time_zone: 'Asia/Tokyo' });
    expect(s.by_day.map((g: { day: string; calls: number }) => [g.day, g.calls])).toEqual([['2026-05-02', 2]]);
    expect(s.by_day_provider.map((g: { day: string; provider: string }) => [g.day, g.provider])).toEqual([['2026-05-02', 'openai']]);
  });

  it('exports the local days asked for, with each call’s local time, named after those days', async () => {
    const alice = await api.createUser();
    await calls(alice, ['2026-10-24T21:59:59Z', '2026-10-25T01:30:00.250Z', '2026-10-25T23:00:00Z']);
    const res = await alice.request('GET', '/usage/export?from=2026-10-25&to=2026-10-26&tz=Europe/Berlin');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mrprompt-usage-2026-10-25_2026-10-25.csv"');
    const rows = parse(await res.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.executed_at, r.local_time])).toEqual([['2026-10-25T01:30:00.250Z', '2026-10-25T02:30:00.250']]);
  });

  it('allows 400 local days even when summer time ended in between (400 × 24 h + 1 h)', async () => {
    const alice = await api.createUser();
    expect((await alice.request('GET', '/usage?from=2025-10-01&to=2026-11-05&tz=Europe/Berlin')).status).toBe(200);
    expect((await alice.request('GET', '/usage?from=2025-10-01&to=2026-11-06&tz=Europe/Berlin')).status).toBe(400);
  });

  it('takes a zone in any case and answers with its usual spelling', async () => {
    const alice = await api.createUser();
    const report = await (await alice.request('GET', '/usage?from=2026-05-01&to=2026-05-02&tz=america/los_angeles')).json();
    expect(report).toMatchObject({ time_zone: 'America/Los_Angeles', from: '2026-05-01T07:00:00.000Z' });
  });

  it('refuses a zone no one knows with 400 and a message saying what to send, on every endpoint', async () => {
    const alice = await api.createUser();
    for (const tz of ['Mars/Olympus_Mons', '+03', '<-03>+3', 'UTC+3', '../../etc/passwd', 'Europe/Berlin;select', 'x'.repeat(100)]) {
      for (const path of ['/usage', '/usage/summary', '/usage/export']) {
        const res = await alice.request('GET', `${path}?from=2026-05-01&to=2026-05-02&tz=${encodeURIComponent(tz)}`);
        expect(res.status, `${path} ${tz}`).toBe(400);
        const { error } = await res.json();
        expect(error.code).toBe('invalid_request');
        expect(error.message).toMatch(/Unknown time zone .*Europe\/Berlin/);
      }
    }
  });
});
