// Signed-out reads (a shared chat, a public prompt) are counted per client address, in the
// database (private.consume_address_rate_limit): past PUBLIC_READ_RATE_CAPACITY one address is
// answered 429 with Retry-After while another still reads. The address is what the gateway
// reports (X-Real-IP, else the first X-Forwarded-For entry), an IPv6 address counted by its /64,
// and the web app's Sb-Forwarded-For is believed only with the secret key. A header naming no
// address counts in one bucket shared by every such caller, so garbage does not turn the limit off.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../../../tests/helpers/api.ts';
import { createPrompt } from '../../../../tests/helpers/prompts.ts';

const CAPACITY = 3;
const SECRET = `secret-${randomUUID()}`;
let api: ApiHarness;
let token: string;
beforeAll(async () => {
  // Refilled so slowly that no token comes back during the test.
  api = await createApiHarness({
    env: { PUBLIC_READ_RATE_CAPACITY: String(CAPACITY), PUBLIC_READ_RATE_REFILL_PER_SECOND: '0.001', SUPABASE_SERVICE_ROLE_KEY: SECRET },
  });
  const alice = await api.createUser();
  const session = (await (await alice.request('POST', '/sessions', { title: 'Trip plans' })).json()) as { id: string };
  token = ((await (await alice.request('POST', `/sessions/${session.id}/share`, {})).json()) as { token: string }).token;
});
afterAll(async () => { await api?.close(); });

// Each test takes addresses of its own (documentation ranges), so none shares a bucket by chance.
const ipv4 = () => `198.51.${randomInt(256)}.${randomInt(256)}`;
const ipv6Prefix = () => `2001:db8:${randomInt(65536).toString(16)}:${randomInt(65536).toString(16)}`;

const read = (headers: Record<string, string>) => api.request('GET', `/shared/${token}`, undefined, headers);

async function useUp(headers: Record<string, string>) {
  for (let i = 0; i < CAPACITY; i++) expect((await read(headers)).status).toBe(200);
}

describe('signed-out reads, per client address', () => {
  it('refuses the read past the capacity with 429, Retry-After and the API\'s error shape; another address still reads', async () => {
    const first = ipv4();
    await useUp({ 'x-real-ip': first });
    const refused = await read({ 'x-real-ip': first });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many reads from your network; try again in \d+ s$/) } });
    expect((await read({ 'x-real-ip': ipv4() })).status).toBe(200);
  });

  it('counts an IPv6 address by its /64, and an IPv4-mapped one as its IPv4 address', async () => {
    const prefix = ipv6Prefix();
    for (let i = 1; i <= CAPACITY; i++) expect((await read({ 'x-real-ip': `${prefix}::${i}` })).status).toBe(200);
    expect((await read({ 'x-real-ip': `${prefix}:ffff:ffff:ffff:ffff` })).status).toBe(429);
    expect((await read({ 'x-real-ip': `${ipv6Prefix()}::1` })).status).toBe(200);

    const v4 = ipv4();
    await useUp({ 'x-real-ip': `::ffff:${v4}` });
    expect((await read({ 'x-real-ip': v4 })).status).toBe(429);
  });

  it('takes the first X-Forwarded-For entry (the client, as the hosted gateway writes it), not the proxies after it', async () => {
    const caller = ipv4();
    await useUp({ 'x-forwarded-for': `${caller}, 10.0.0.1` });
    expect((await read({ 'x-forwarded-for': `${caller}, 10.0.0.2` })).status).toBe(429);
    expect((await read({ 'x-forwarded-for': `${ipv4()}, 10.0.0.1` })).status).toBe(200);
  });

  it('believes Sb-Forwarded-For only with the secret key (the web app vouching for a browser)', async () => {
    const server = ipv4();
    await useUp({ 'x-real-ip': server });
    // Anyone may send the header; without the secret key it changes nothing.
    expect((await read({ 'x-real-ip': server, 'sb-forwarded-for': ipv4(), apikey: 'not-the-secret' })).status).toBe(429);
    const browser = ipv4();
    await useUp({ 'x-real-ip': server, 'sb-forwarded-for': browser, apikey: SECRET });
    expect((await read({ 'x-real-ip': server, 'sb-forwarded-for': browser, apikey: SECRET })).status).toBe(429);
  });

  it('counts every caller whose header names no address (`X-Forwarded-For: unknown`) in one shared bucket, not by nothing', async () => {
    await useUp({ 'x-forwarded-for': 'unknown, 10.0.0.1' });
    expect((await read({ 'x-forwarded-for': 'unknown' })).status).toBe(429);
    expect((await read({ 'x-real-ip': 'not-an-ip' })).status).toBe(429);
    expect((await read({ 'x-forwarded-for': ' , ' })).status).toBe(429);
    expect((await read({ 'x-real-ip': ipv4() })).status).toBe(200); // a readable address keeps its own bucket
  });

  it('counts public prompts in the same bucket', async () => {
    const bob = await api.createUser();
    const prompt = await createPrompt(bob, { title: 'Summariser', content: 'Summarise {{topic}}.', is_public: true });
    const address = ipv4();
    await useUp({ 'x-real-ip': address });
    const refused = await api.request('GET', `/public/prompts/${prompt.id}`, undefined, { 'x-real-ip': address });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('forgets an address whose bucket has been full again for a while, so the table holds only recent ones', async () => {
    const [stale, fresh] = [ipv4(), ipv4()];
    await api.db.sql`insert into private.address_rate_limit_buckets (address, bucket, tokens, refilled_at)
      values (${stale}::inet, 'public_reads', 0, now() - interval '1 day')`;
    expect((await read({ 'x-real-ip': fresh })).status).toBe(200);
    const kept = await api.db.sql`select host(address) as address from private.address_rate_limit_buckets where address in (${stale}::inet, ${fresh}::inet)`;
    expect(kept.map((row) => row.address)).toEqual([fresh]);
  });

  it('keeps the bucket where no API role reaches it', async () => {
    await read({ 'x-real-ip': ipv4() });
    for (const role of ['anon', 'authenticated']) {
      const denied = await api.db.sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        await tx`select 1 from private.address_rate_limit_buckets`;
        return null;
      }).catch((error: { code: string }) => error.code);
      expect(denied).toBe('42501');
    }
  });
});
