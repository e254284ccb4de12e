// The web side of Undo: one conditional PATCH, and a 409 changed_meanwhile read as "not undone"
// with the chat as it is now (never a second request that would overwrite it).
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('$lib/api', async (original) => {
  const api = await original<typeof import('$lib/api')>();
  // The browser's client asks its own origin; outside a browser it needs one to resolve against.
  return { ...api, browserApi: () => api.createApi((input, init) => fetch(input, init), 'http://app.test') };
});

const { undoSessionChange, UndoRefused } = await import('./session-undo');

const row = (over: Record<string, unknown>) => ({ id: 'c1', title: 'Trip', project_id: null, pinned_at: null, archived_at: null, ...over });

describe('undoSessionChange', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the change back with the values it left as if_unchanged, in one request', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', async (input: Request) => {
      calls.push({ method: input.method, url: input.url, body: await input.json() });
      return Response.json(row({ archived_at: null }));
    });
    const undone = await undoSessionChange('c1', { archived: true }, { archived: false }, () => 'refused');
    expect(undone).toMatchObject({ id: 'c1', archived_at: null });
    expect(calls).toEqual([{ method: 'PATCH', url: 'http://app.test/api/sessions/c1', body: { archived: false, if_unchanged: { archived: true } } }]);
  });

  it('a 409 changed_meanwhile is "not undone", with the chat as it is now', async () => {
    const now = row({ title: 'Holiday', archived_at: '2026-12-06T22:00:00Z' });
    let requests = 0;
    vi.stubGlobal('fetch', async () => {
      requests++;
      return Response.json({ error: { code: 'changed_meanwhile', message: 'The chat was changed meanwhile', session: now } }, { status: 409 });
    });
    const err = await undoSessionChange('c1', { archived: false }, { archived: true }, (r) => `Not undone: the chat was changed meanwhile (${r.title}).`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndoRefused);
    expect(err).toMatchObject({ message: 'Not undone: the chat was changed meanwhile (Holiday).', row: now });
    expect(requests).toBe(1);
  });

  it("other errors stay the API's", async () => {
    vi.stubGlobal('fetch', async () => Response.json({ error: { code: 'not_found', message: 'Session not found' } }, { status: 404 }));
    await expect(undoSessionChange('c1', { pinned: true }, { pinned: false }, () => 'refused')).rejects.toMatchObject({ name: 'ApiError', status: 404 });
  });
});
