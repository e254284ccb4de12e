// GET /api/sessions/{id}/attachments: what each message carried, for chips after a reload,
// and the project files its answers used; owner only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

describe('session attachments', () => {
  it("lists the files of a session's messages to their owner only", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const session = await (await alice.request('POST', '/sessions', {})).json();
    const [message] = await api.db.sql`insert into public.messages (session_id, user_id, sender, content)
      values (${session.id}, ${alice.id}, 'user', 'look') returning id`;
    await api.db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, truncated)
      values (${message!.id}, ${alice.id}, ${`${alice.id}/chat/x/photo.png`}, 'photo.png', 'image/png', 2048, 765, false),
             (${message!.id}, ${alice.id}, ${`${alice.id}/chat/y/report.pdf`}, 'report.pdf', 'application/pdf', 9000, 1200, true)`;

    const res = await alice.request('GET', `/sessions/${session.id}/attachments`);
    expect(res.status).toBe(200);
    expect((await res.json()).attachments).toEqual([
      { message_id: message!.id, path: `${alice.id}/chat/x/photo.png`, name: 'photo.png', type: 'image/png', size: 2048, tokens: 765, total_tokens: null, total_estimated: false, truncated: false },
      { message_id: message!.id, path: `${alice.id}/chat/y/report.pdf`, name: 'report.pdf', type: 'application/pdf', size: 9000, tokens: 1200, total_tokens: null, total_estimated: false, truncated: true },
    ]);
    // A chat outside a project has no sources.
    expect((await (await alice.request('GET', `/sessions/${session.id}/attachments`)).json()).sources).toEqual([]);
    expect((await bob.request('GET', `/sessions/${session.id}/attachments`)).status).toBe(404);
    expect((await api.request('GET', `/sessions/${session.id}/attachments`)).status).toBe(401);
  });
});
