// What the web server says at start-up about its settings (hooks.server.ts init).
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';

/** The module as a newly started web server loads it, with SUPABASE_SECRET_KEY as given. */
async function webServer(secretKey: string | undefined) {
  vi.resetModules();
  vi.unstubAllEnvs();
  vi.stubEnv('SUPABASE_SECRET_KEY', secretKey);
  return await import('./env');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

it('warns once without SUPABASE_SECRET_KEY that every visitor of the signed-out pages then shares one read budget', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  (await webServer(undefined)).warnIfNoSecretKey();
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toMatch(/SUPABASE_SECRET_KEY is not set.*shared chats and public prompts.*refused for everyone/);
});

it('says nothing when the key is set, and never shows it', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  (await webServer(`sb_secret_${randomBytes(16).toString('base64url')}`)).warnIfNoSecretKey();
  expect(warn).not.toHaveBeenCalled();
});
