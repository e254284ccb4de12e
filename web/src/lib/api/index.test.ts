import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, createApi, ok, unreachableMessage } from './index.ts';

describe('apiFetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('turns a request that never reached the server into an ApiError a person can act on', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = await apiFetch('/api/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 0, code: 'unreachable' });
    expect((err as Error).message).not.toMatch(/Failed to fetch/);
    // Through the typed client (browserApi's default fetch) too: every page's Save, Delete, Load more…
    await expect(ok(createApi(apiFetch, 'http://app.test').GET('/api/me'))).rejects.toMatchObject({ code: 'unreachable', message: unreachableMessage() });
  });

  it('leaves an abort an abort, and passes answers (errors included) through', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new DOMException('The operation was aborted.', 'AbortError');
    });
    await expect(apiFetch('/api/chat')).rejects.toMatchObject({ name: 'AbortError' });
    vi.stubGlobal('fetch', async () => Response.json({ error: { code: 'not_found', message: 'Not found' } }, { status: 404 }));
    await expect(apiFetch('/api/me').then((r) => r.status)).resolves.toBe(404);
  });

  it('says "offline" only when the browser knows it is offline', () => {
    expect(unreachableMessage(false)).toMatch(/You are offline/);
    expect(unreachableMessage(true)).toMatch(/could not be reached/);
  });
});
