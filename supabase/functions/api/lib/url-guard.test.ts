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
  it.each([
    '::ffff:0:127.0.0.1', // SIIT (rfc6145), missed by the hand-written classifier
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
    '2002:7f00:1::1', // 6to4 around 127.0.0.1
    '::127.0.0.1', // IPv4-compatible
    '198.18.0.1', '240.0.0.1', '255.255.255.255', '2001:db8::1',
  ])('refuses transition and reserved form %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));
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

describe('cloud metadata addresses', () => {
  // Refused even when the operator allows private URLs, in every spelling.
  it.each([
    'http://169.254.169.254/v1',
    'http://2852039166/v1', // 169.254.169.254 as one decimal number
    'http://0xa9.0xfe.0xa9.0xfe/v1',
    'http://[::ffff:169.254.169.254]/v1',
    'http://[::ffff:a9fe:a9fe]/v1',
    'http://[::ffff:0:169.254.169.254]/v1',
    'http://[64:ff9b::169.254.169.254]/v1',
    'http://[2002:a9fe:a9fe::1]/v1',
    'http://[fd00:ec2::254]/v1',
    'http://169.254.170.2/v2/credentials',
    'http://100.100.100.200/latest/meta-data',
    'http://[fe80::1]/v1',
  ])('refuses %s with private URLs allowed', async (url) => {
    await expect(assertSafeProviderUrl(url, relaxed)).rejects.toMatchObject({ status: 422, code: 'unsafe_base_url' });
  });

  it('refuses a name that resolves to a metadata address with private URLs allowed', async () => {
    await expect(assertSafeProviderUrl('http://metadata.google.internal/v1', relaxed, resolveTo('169.254.169.254'))).rejects.toThrow(/metadata/);
  });

  it('says how to allow private addresses when it refuses one', async () => {
    await expect(assertSafeProviderUrl('https://10.0.0.1/v1', strict)).rejects.toThrow(/ALLOW_PRIVATE_PROVIDER_URLS=true/);
  });
});

describe('guardedFetch', () => {
  it('re-checks the address at request time', async () => {
    let calls = 0;
    const base = (async () => {
      calls++;
      return new Response('{}');
    }) as typeof fetch;
    const guarded = guardedFetch(strict, resolveTo('10.0.0.5'), () => base);
    await expect(guarded('https://rebound.example/v1/models')).rejects.toMatchObject({ code: 'unsafe_base_url' });
    expect(calls).toBe(0);
  });

  it('does not follow redirects', async () => {
    let seenRedirect: RequestRedirect | undefined;
    const base = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      seenRedirect = init?.redirect;
      return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
    }) as typeof fetch;
    const guarded = guardedFetch(strict, resolveTo('93.184.216.34'), () => base);
    await expect(guarded('https://api.example.com/v1/models')).rejects.toMatchObject({ code: 'provider_redirect' });
    expect(seenRedirect).toBe('manual');
  });
});

describe('guardedFetch error bodies', () => {
  it('does not pass on what a user-chosen endpoint wrote in an error', async () => {
    const base = (async () => new Response('{"error":{"message":"<script>phish</script> call 555-0100"}}', { status: 400 })) as typeof fetch;
    const guarded = guardedFetch(strict, resolveTo('93.184.216.34'), () => base);
    const response = await guarded('https://api.example.com/v1/chat/completions');
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('{}');
  });

  it('connects to the address it checked, naming the host it was given', async () => {
    let seen: { hostname: string; addresses: string[] } | undefined;
    const guarded = guardedFetch(strict, resolveTo('93.184.216.34'), (target) => {
      seen = target;
      return (async () => new Response('{}')) as typeof fetch;
    });
    await guarded('https://api.example.com/v1/models');
    expect(seen).toEqual({ hostname: 'api.example.com', addresses: ['93.184.216.34'] });
  });
});
