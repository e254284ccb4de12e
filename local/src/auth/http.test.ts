/**
 * The client Auth's per-address limits count a request against (clientKey): one per IPv4
 * address, one per IPv6 /64, an IPv4-mapped address as its IPv4 address — never a fresh one
 * per address a subscriber picks from its /64 (security review 16 #1).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp, clientKey } from './http.ts';

const request = (realIp: string | undefined, peer = '127.0.0.1') =>
  ({ headers: realIp === undefined ? {} : { 'x-real-ip': realIp }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe('clientKey', () => {
  it('counts every address of one IPv6 /64 as one client, another /64 as another', () => {
    expect(clientKey(request('2001:db8:aa:bb::1'))).toBe(clientKey(request('2001:db8:aa:bb:ffff:ffff:ffff:fffe')));
    expect(clientKey(request('2001:db8:aa:bb::1'))).not.toBe(clientKey(request('2001:db8:aa:bc::1')));
  });

  it('counts an IPv4 address on its own, and its IPv4-mapped spelling as the same client', () => {
    expect(clientKey(request('198.51.100.7'))).toBe('198.51.100.7');
    expect(clientKey(request('::ffff:198.51.100.7'))).toBe('198.51.100.7');
    expect(clientKey(request('198.51.100.8'))).not.toBe('198.51.100.7');
  });

  it('puts whatever does not parse in one shared bucket, not one per spelling', () => {
    expect(clientKey(request('unknown'))).toBe(clientKey(request('not-an-ip')));
  });

  it('falls back to the socket peer, and sessions still record the whole address', () => {
    expect(clientKey(request(undefined, '::ffff:203.0.113.5'))).toBe('203.0.113.5');
    expect(clientIp(request('2001:db8:aa:bb::1'))).toBe('2001:db8:aa:bb::1');
  });
});
