import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { assertSafeProviderUrl, guardedFetch, isPrivateAddress } from './url-guard.ts';

const env = { SUPABASE_URL: 'http://localhost', SUPABASE_DB_URL: 'postgres://x', CREDENTIALS_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 1).toString('base64')}` };
const strict = loadConfig(env);
const relaxed = loadConfig({ ...env, ALLOW_PRIVATE_PROVIDER_URLS: 'true' });
const resolveTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '10.0.0.1', '169.254.169.254', '172.16.5.4', '192.168.1.1', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fd00::1', 'fc00::abcd', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '64:ff9b::a00:1', 'ff02::1', '224.0.0.1',
  ])('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1'])('allows %s', (ip) =>
    expect(isPrivateAddress(ip)).toBe(false));
});

describe('assertSafeProviderUrl', () => {
  it.each(['https://127.0.0.1/v1', 'https://10.0.0.1/v1', 'https://169.254.169.254/latest', 'https://[::1]:8443/v1', 'https://[::ffff:7f00:1]/v1'])(
    'refuses %s',
    async (url) => {
      await expect(assertSafeProviderUrl(url, strict, resolveTo('8.8.8.8'))).rejects.toMatchObject({ status: 422, code: 'unsafe_base_url' });
    },
  );

  it('refuses names that resolve to loopback, including localhost via the real resolver', async () => {
    await expect(assertSafeProviderUrl('https://localhost/v1', strict)).rejects.toMatchObject({ code: 'unsafe_base_url' });
    await expect(assertSafeProviderUrl('https://evil.example/v1', strict, resolveTo('127.0.0.1'))).rejects.toMatchObject({ code: 'unsafe_base_url' });
    // One private address among public ones is enough to refuse.
    await expect(assertSafeProviderUrl('https://mixed.example/v1', strict, resolveTo('8.8.8.8', '10.1.2.3'))).rejects.toMatchObject({ code: 'unsafe_base_url' });
  });

  it('requires https and refuses credentials in the URL', async () => {
    await expect(assertSafeProviderUrl('http://api.example.com/v1', strict, resolveTo('8.8.8.8'))).rejects.toThrow(/https/);
    await expect(assertSafeProviderUrl('https://u:p@api.example.com/v1', strict, resolveTo('8.8.8.8'))).rejects.toThrow(/credentials/);
    await expect(assertSafeProviderUrl('not a url', strict)).rejects.toThrow(/valid URL/);
  });

  it('allows public https hosts, and private ones only when the server allows it', async () => {
    await expect(assertSafeProviderUrl('https://api.example.com/v1', strict, resolveTo('93.184.216.34'))).resolves.toBeInstanceOf(URL);
    await expect(assertSafeProviderUrl('http://localhost:11434/v1', relaxed)).resolves.toBeInstanceOf(URL);
  });
});

describe('guardedFetch', () => {
  it('re-checks the address at request time', async () => {
    let calls = 0;
    const base = (async () => {
      calls++;
      return new Response('{}');
    }) as typeof fetch;
    const guarded = guardedFetch(base, strict, resolveTo('10.0.0.5'));
    await expect(guarded('https://rebound.example/v1/models')).rejects.toMatchObject({ code: 'unsafe_base_url' });
    expect(calls).toBe(0);
  });

  it('does not follow redirects', async () => {
    let seenRedirect: RequestRedirect | undefined;
    const base = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      seenRedirect = init?.redirect;
      return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
    }) as typeof fetch;
    const guarded = guardedFetch(base, strict, resolveTo('93.184.216.34'));
    await expect(guarded('https://api.example.com/v1/models')).rejects.toMatchObject({ code: 'provider_redirect' });
    expect(seenRedirect).toBe('manual');
  });
});
