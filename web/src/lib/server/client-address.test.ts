import type { IncomingMessage } from 'node:http';
import { afterEach, expect, it, vi } from 'vitest';

/** The module as a newly started web server loads it, with adapter-node's settings from `env`. */
async function webServer(env: { ADDRESS_HEADER?: string; XFF_DEPTH?: string }) {
  vi.resetModules();
  vi.unstubAllEnvs();
  vi.stubEnv('ADDRESS_HEADER', env.ADDRESS_HEADER);
  vi.stubEnv('XFF_DEPTH', env.XFF_DEPTH);
  return await import('./client-address');
}

/** A request whose getClientAddress() fails as adapter-node's does when the header falls short. */
function unreadable(headers: Record<string, string>, socketAddress = '10.0.0.2') {
  return {
    getClientAddress: () => { throw new Error('XFF_DEPTH is 3, but only found 1 addresses'); },
    platform: { req: { socket: { remoteAddress: socketAddress } } as IncomingMessage },
    request: new Request('http://web.test/login', { headers }),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

it('is the address adapter-node read, when it could', async () => {
  const { clientAddress } = await webServer({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
  expect(clientAddress({ ...unreadable({}), getClientAddress: () => '203.0.113.7' })).toBe('203.0.113.7');
});

it("falls back to the connection's address, and warns once with the count of addresses, not the addresses", async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { clientAddress } = await webServer({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '3' });
  expect(clientAddress(unreadable({ 'x-forwarded-for': '203.0.113.7, 198.51.100.1' }))).toBe('10.0.0.2');
  expect(clientAddress(unreadable({}, '10.0.0.3'))).toBe('10.0.0.3');
  expect(warn).toHaveBeenCalledTimes(1);
  const said = String(warn.mock.calls[0]![0]);
  expect(said).toContain("MRPROMPT_TRUSTED_PROXY_DEPTH (adapter-node's XFF_DEPTH) is 3, but a request's X-Forwarded-For named 2 addresses");
  expect(said).not.toMatch(/203\.0\.113\.7|198\.51\.100\.1|10\.0\.0\.2/);
});

it('names a custom ADDRESS_HEADER a request did not carry', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { clientAddress } = await webServer({ ADDRESS_HEADER: 'X-Real-IP' });
  expect(clientAddress(unreadable({}))).toBe('10.0.0.2');
  expect(String(warn.mock.calls[0]![0])).toContain('ADDRESS_HEADER is x-real-ip, but a request did not carry it');
});

it('is undefined when not even the connection has an address (vite dev gives no platform)', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { clientAddress } = await webServer({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '2' });
  expect(clientAddress({ ...unreadable({}), platform: undefined })).toBeUndefined();
});

it('believes no header once one has shown the setting wrong: a header long enough is then the client\'s own', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { clientAddress } = await webServer({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '3' });
  const long = { ...unreadable({ 'x-forwarded-for': '198.51.100.9, 10.0.0.1, 10.0.0.2' }), getClientAddress: () => '198.51.100.9' };
  expect(clientAddress(long)).toBe('198.51.100.9');
  expect(clientAddress(unreadable({ 'x-forwarded-for': '203.0.113.7' }))).toBe('10.0.0.2');
  expect(clientAddress(long)).toBe('10.0.0.2');
});
