import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PendingSwitch } from './pending-switch';

const value: PendingSwitch = {
  accessToken: 'a.b.c', refreshToken: 'r1', to: { id: 'm', email: 'mallory@example.com' }, from: { id: 'a', email: 'alice@example.com' },
  type: 'magiclink', next: '/chat', expires: Math.floor(Date.now() / 1000) + 300,
};

// Made at run time, in the shape local/src/keys makes them: no key-like literal in the repository.
const secretKey = () => `sb_secret_${randomBytes(16).toString('base64url')}`;
const SECRET = secretKey();
const OTHER_SECRET = secretKey();

/**
 * The module as a newly started web server loads it: its settings read then (adapter-node's
 * process.env, through tests/helpers/sveltekit-env.ts), its key made then.
 */
async function webServer(env: { MRPROMPT_WEB_SECRET?: string; SUPABASE_SECRET_KEY?: string }) {
  vi.resetModules();
  vi.unstubAllEnvs();
  vi.stubEnv('MRPROMPT_WEB_SECRET', env.MRPROMPT_WEB_SECRET);
  vi.stubEnv('SUPABASE_SECRET_KEY', env.SUPABASE_SECRET_KEY);
  return await import('./pending-switch');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the sealed answer of an email link for another account (QA 3 #3)', () => {
  it('opens to what was sealed, and the cookie shows none of it', async () => {
    const { seal, unseal } = await webServer({ SUPABASE_SECRET_KEY: SECRET });
    const sealed = seal(value);
    expect(unseal(sealed)).toEqual(value);
    for (const secret of ['a.b.c', 'r1', 'mallory', 'alice', SECRET]) expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(secret);
  });

  it('refuses an altered, foreign, cut or expired seal', async () => {
    const { seal, unseal } = await webServer({ SUPABASE_SECRET_KEY: SECRET });
    const sealed = Buffer.from(seal(value), 'base64url');
    const flipped = Buffer.from(sealed);
    flipped[sealed.length - 1]! ^= 1;
    expect(unseal(flipped.toString('base64url'))).toBeNull();
    expect(unseal(sealed.subarray(0, 20).toString('base64url'))).toBeNull();
    expect(unseal(Buffer.from(JSON.stringify(value)).toString('base64url'))).toBeNull();
    expect(unseal('')).toBeNull();
    expect(unseal(undefined)).toBeNull();
    expect(unseal(seal(value), (value.expires + 1) * 1000)).toBeNull();
  });
});

// QA: the key was random per process, so a restart between the two steps (or the second step
// answered by another of several web servers) asked the person for a new link.
describe('the seal across web server processes', () => {
  it('opens in a restarted (or another) web server with the same SUPABASE_SECRET_KEY; another secret refuses it', async () => {
    const sealed = (await webServer({ SUPABASE_SECRET_KEY: SECRET })).seal(value);
    expect((await webServer({ SUPABASE_SECRET_KEY: SECRET })).unseal(sealed)).toEqual(value);
    expect((await webServer({ SUPABASE_SECRET_KEY: OTHER_SECRET })).unseal(sealed)).toBeNull();
  });

  it('MRPROMPT_WEB_SECRET, when set, is the secret: servers agreeing on it open each other\'s seals whatever their secret keys', async () => {
    const own = 'a-web-secret-of-at-least-32-characters!';
    const sealed = (await webServer({ MRPROMPT_WEB_SECRET: own, SUPABASE_SECRET_KEY: SECRET })).seal(value);
    expect((await webServer({ MRPROMPT_WEB_SECRET: own, SUPABASE_SECRET_KEY: OTHER_SECRET })).unseal(sealed)).toEqual(value);
    expect((await webServer({ SUPABASE_SECRET_KEY: SECRET })).unseal(sealed)).toBeNull();
    // A short one is refused with a message naming the setting, not its value.
    const short = await webServer({ MRPROMPT_WEB_SECRET: 'too-short-secret', SUPABASE_SECRET_KEY: SECRET });
    expect(() => short.seal(value)).toThrow(/^MRPROMPT_WEB_SECRET is too short: use at least 32 characters/);
    expect(() => short.seal(value)).not.toThrow(/too-short-secret/);
  });

  it('the key is derived, not the secret itself, and differs per secret', async () => {
    const { sealingKey } = await webServer({});
    expect(sealingKey(SECRET)).toEqual(sealingKey(SECRET));
    expect(sealingKey(SECRET)).not.toEqual(sealingKey(OTHER_SECRET));
    expect(sealingKey(SECRET).toString('latin1')).not.toContain(SECRET.slice(0, 16));
    expect(sealingKey(SECRET)).toHaveLength(32);
  });

  it('without any secret, each process keeps its own key and says so once, naming the settings and no key', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = await webServer({});
    const sealed = first.seal(value);
    expect(first.unseal(sealed)).toEqual(value);
    first.seal(value);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/MRPROMPT_WEB_SECRET nor SUPABASE_SECRET_KEY is set/);
    expect((await webServer({})).unseal(sealed)).toBeNull();
  });
});
