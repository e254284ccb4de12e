/**
 * DNS rebinding against user-chosen provider URLs (issue 10, finding 2), with a real DNS
 * server on loopback whose answer flips: the lookups the app makes to check `rebind.test`
 * (before the call and in the guarded fetch) say a public address, every later one says
 * 127.0.0.1, where a canary listens. If the app looked the name up again to connect (as
 * plain `fetch` does), the request would land on the canary. The transport the test gives the app for its own
 * URLs resolves through the same server, so only the app's pinning keeps it away.
 */
import net from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.ts';

const PUBLIC_IP = '93.184.215.14';
let api: ApiHarness;
let alice: ApiUser;
let dns: DnsServer;
let canary: net.Server;
let canaryPort: number;
let canaryConnections = 0;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dns = await startDnsServer();
  canary = net.createServer((socket) => {
    canaryConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryPort = (canary.address() as net.AddressInfo).port;
  api = await createApiHarness({ env: { ALLOW_PRIVATE_PROVIDER_URLS: 'false', PROVIDER_TIMEOUT_MS: '3000', LOG_LEVEL: 'silent' } });
  alice = await api.createUser();
  // A fetch that resolves every name through the test's DNS server at connect time.
  const resolvingAgent = new Agent({
    connect: {
      lookup: (hostname, options, callback) => {
        // Node asks for every address (options.all) when it races IPv4 and IPv6.
        const done = callback as (error: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
        dns.lookup(hostname).then(
          (list) => (options.all ? done(null, list) : done(null, list[0]!.address, 4)),
          (error: NodeJS.ErrnoException) => done(error, ''),
        );
      },
    },
  });
  const resolvingFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher: resolvingAgent })) as unknown as typeof fetch;
  app = createApp(api.config, { db: api.apiDb, fetch: resolvingFetch, lookup: (host) => dns.lookup(host), log: () => {} });
});
afterAll(async () => {
  await api?.close();
  await dns?.stop();
  await new Promise((resolve) => canary?.close(resolve));
});

const call = (method: string, path: string, body?: unknown) =>
  app.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

it('connects only to the address it checked: a flipped second DNS answer never reaches the canary', async () => {
  const baseUrl = `https://rebind.test:${canaryPort}/v1`;
  dns.answer('rebind.test', [PUBLIC_IP]);
  expect((await call('PUT', '/credentials/custom', { api_key: 'sk-rebind-test-1234', base_url: baseUrl })).status).toBe(200);

  // Verification: public while checked (twice), then loopback for every later question.
  dns.answer('rebind.test', [PUBLIC_IP, PUBLIC_IP, '127.0.0.1']);
  const verify = await call('POST', '/credentials/custom/verify');
  expect(verify.status).toBe(200);
  expect(await verify.json()).toMatchObject({ ok: false, status: 'unreachable' });

  // A chat turn, the same way.
  dns.answer('rebind.test', [PUBLIC_IP, PUBLIC_IP, '127.0.0.1']);
  const chat = await call('POST', '/chat', { provider: 'custom', model: 'any-model', message: 'hello' });
  await chat.text();

  expect(dns.queries.filter((q) => q === 'A rebind.test').length).toBeGreaterThanOrEqual(5);
  expect(canaryConnections).toBe(0);
}, 30_000);

it('refuses at call time when the one lookup it makes already says loopback', async () => {
  dns.answer('inward.test', [PUBLIC_IP]);
  expect((await call('PUT', '/credentials/ollama', { base_url: `https://inward.test:${canaryPort}/v1` })).status).toBe(200);
  dns.answer('inward.test', ['127.0.0.1']);
  const chat = await call('POST', '/chat', { provider: 'ollama', model: 'llama3', message: 'hello' });
  expect(chat.status).toBe(422);
  expect(await chat.json()).toMatchObject({ error: { code: 'unsafe_base_url', message: expect.stringContaining('ALLOW_PRIVATE_PROVIDER_URLS=true') } });
  expect(canaryConnections).toBe(0);
});
