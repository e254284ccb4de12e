/**
 * Server-side request forgery through user-supplied provider base URLs (issue 6, item 3), with
 * ALLOW_PRIVATE_PROVIDER_URLS off as on a hosted deployment: loopback, private, link-local,
 * metadata and encoded addresses are refused when saved; a public name that resolves inward
 * is refused; a public endpoint that answers with a redirect to 169.254.169.254 or 127.0.0.1
 * is not followed (a canary server there sees nothing), from key verification or from chat;
 * and a name re-pointed inward after it was saved (DNS rebinding) is refused at call time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { allEvents, dataOf } from '../faults/helpers.ts';

// Names the test's resolver answers; nothing here touches real DNS.
const PUBLIC_IP = '93.184.215.14';
const dns: Record<string, string[]> = {
  'redirector.example': [PUBLIC_IP],
  'rebind.example': [PUBLIC_IP],
  'internal.example': ['10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': [PUBLIC_IP, '127.0.0.1'],
  'v6local.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  localhost: ['127.0.0.1', '::1'],
};
const lookup = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

let api: ApiHarness;
let app: ReturnType<typeof createApp>;
let alice: ApiUser;
let redirector: http.Server;
let canary: http.Server;
const canaryHits: string[] = [];
let canaryUrl: string;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  api = await createApiHarness({ env: { ALLOW_PRIVATE_PROVIDER_URLS: 'false', LOG_LEVEL: 'silent' }, lookup });
  alice = await api.createUser();
  // Stands in for an internal service (or the metadata endpoint): it must never be reached.
  canary = http.createServer((req, res) => {
    canaryHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"secret":"instance-credentials"}');
  });
  canaryUrl = await listen(canary);
  // A "public" provider that redirects every request inward.
  redirector = http.createServer((req, res) => {
    const target = req.url?.includes('/chat/') ? `${canaryUrl}${req.url}` : `http://169.254.169.254/latest/meta-data/iam${req.url}`;
    res.writeHead(302, { location: target });
    res.end();
  });
  const redirectorUrl = await listen(redirector);
  // The app under test, with a fetch that delivers https://<public name>/… to the local
  // redirector (TLS aside, exactly what a hostile public server would answer).
  const routedFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === 'redirector.example' || url.hostname === 'rebind.example') {
      return await fetch(`${redirectorUrl}${url.pathname}${url.search}`, init);
    }
    return await fetch(input, init);
  };
  // User-chosen URLs go through the pinned transport; route it to the redirector too.
  app = createApp(api.config, { db: api.apiDb, fetch: routedFetch, pinnedFetch: () => routedFetch, lookup, log: () => {} });
});
afterAll(async () => {
  await api?.close();
  redirector?.close();
  canary?.close();
});

const request = (method: string, path: string, body?: unknown) =>
  app.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('base URLs refused when saved', () => {
  const refused = [
    () => `${canaryUrl}/v1`, // plain http to loopback
    () => 'https://127.0.0.1/v1',
    () => 'https://127.1/v1',
    () => 'https://2130706433/v1', // 127.0.0.1 as one decimal number
    () => 'https://0x7f.0.0.1/v1',
    () => 'https://0.0.0.0/v1',
    () => 'https://[::1]/v1',
    () => 'https://[::ffff:127.0.0.1]/v1',
    () => 'https://[::ffff:a9fe:a9fe]/v1', // 169.254.169.254, IPv4-mapped
    () => 'https://169.254.169.254/latest/meta-data',
    () => 'https://[fd00:ec2::254]/v1',
    () => 'https://10.0.0.1/v1',
    () => 'https://192.168.1.1/v1',
    () => 'https://172.16.0.1/v1',
    () => 'https://100.64.0.1/v1',
    () => 'https://[fe80::1]/v1',
    () => 'https://localhost/v1',
    () => 'https://internal.example/v1',
    () => 'https://metadata.example/v1',
    () => 'https://mixed.example/v1', // one private address among public ones
    () => 'https://v6local.example/v1',
    () => 'https://mapped.example/v1',
    () => 'https://nonexistent.example/v1',
    () => 'https://user:pass@redirector.example/v1',
    () => 'file:///etc/passwd',
    () => 'gopher://127.0.0.1:6379/_INFO',
    () => 'ftp://redirector.example/',
    () => 'javascript:alert(1)',
    () => 'not a url',
  ];
  it.each(refused.map((url) => [url]))('%#: refused for custom and ollama', async (url) => {
    for (const provider of ['custom', 'ollama']) {
      const res = await request('PUT', `/credentials/${provider}`, { api_key: 'sk-test-ssrf-1234', base_url: url() });
      expect(res.status, `${provider} ${url()}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const body = (await res.json()) as { error: { code: string } };
      expect(['unsafe_base_url', 'invalid_request']).toContain(body.error.code);
    }
    const list = (await (await request('GET', '/credentials')).json()) as { credentials: unknown[] };
    expect(list.credentials).toEqual([]);
  });
});

describe('redirects to private addresses are not followed', () => {
  it('key verification through a redirecting endpoint fails without reaching the target', async () => {
    const saved = await request('PUT', '/credentials/custom', { api_key: 'sk-test-redirect-1234', base_url: 'https://redirector.example/v1' });
    expect(saved.status).toBe(200);
    const res = await request('POST', '/credentials/custom/verify');
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { ok?: boolean; error?: unknown };
    expect(body.ok ?? false).toBe(false);
    expect(canaryHits).toEqual([]);
  });

  it('a chat through a redirecting endpoint ends in an error event; the canary is never called', async () => {
    await request('PUT', '/credentials/custom', { api_key: 'sk-test-redirect-1234', base_url: 'https://redirector.example/v1' });
    const res = await request('POST', '/chat', { provider: 'custom', model: 'any-model', message: 'hello' });
    // The URL itself is public, so the stream starts; the redirect ends it.
    expect(res.status).toBe(200);
    const events = await allEvents(res);
    expect(dataOf<{ code: string; message: string }>(events, 'error')?.code).toBe('provider_redirect');
    expect(JSON.stringify(events)).not.toContain('instance-credentials');
    expect(canaryHits).toEqual([]);
  });

  it('a name that resolved publicly when saved and privately later (DNS rebinding) is refused at call time', async () => {
    const saved = await request('PUT', '/credentials/custom', { api_key: 'sk-test-rebind-1234', base_url: 'https://rebind.example/v1' });
    expect(saved.status).toBe(200);
    dns['rebind.example'] = ['127.0.0.1'];
    try {
      const res = await request('POST', '/chat', { provider: 'custom', model: 'any-model', message: 'hello again' });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsafe_base_url');
      const verify = (await (await request('POST', '/credentials/custom/verify')).json()) as { ok?: boolean };
      expect(verify.ok ?? false).toBe(false);
    } finally {
      dns['rebind.example'] = [PUBLIC_IP];
    }
    expect(canaryHits).toEqual([]);
  });
});
