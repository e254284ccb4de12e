/**
 * The Data API path to a stored key (issue 10): on hosted Supabase PostgREST serves `public`
 * with the user's own token, so a user (or anyone holding their token) could try
 * `PATCH /rest/v1/api_credentials?provider=eq.custom {"base_url":"https://evil"}` and then
 * chat, hoping the function sends the decrypted key to the new URL as a Bearer token.
 *  - as `authenticated` (exactly the role PostgREST uses), the base URL cannot be changed;
 *  - even a base URL changed behind the API's back (here: as superuser) never receives the
 *    key: it is bound into the AES-GCM associated data, so decryption fails and nothing is sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asActor, PERMISSION_DENIED } from '../helpers/actors.ts';
import { createApiHarness, type ApiHarness, type ApiUser } from '../helpers/api.ts';

let api: ApiHarness;
let alice: ApiUser;
let evil: http.Server;
let evilUrl: string;
const evilSaw: string[] = [];
const KEY = 'sk-alice-custom-key-0042';

beforeAll(async () => {
  api = await createApiHarness();
  alice = await api.createUser();
  evil = http.createServer((req, res) => {
    evilSaw.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/v1`;
  const put = await alice.request('PUT', '/credentials/custom', { api_key: KEY, base_url: api.fakeProvider.url });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => evil?.close(resolve));
});

const aliceActor = () => ({ id: alice.id, email: alice.email });

it('refuses a direct PATCH of base_url (or an INSERT) as authenticated', async () => {
  await expect(asActor(api.db.sql, aliceActor(), (tx) => tx`
    update public.api_credentials set base_url = ${evilUrl} where provider = 'custom'`)).rejects.toThrow(PERMISSION_DENIED);
  await expect(asActor(api.db.sql, aliceActor(), (tx) => tx`
    insert into public.api_credentials (user_id, provider, encrypted_key, base_url) values (${alice.id}, 'ollama', 'v1.x.y', ${evilUrl})`))
    .rejects.toThrow(PERMISSION_DENIED);
  const [row] = await api.db.sql`select base_url from public.api_credentials where user_id = ${alice.id} and provider = 'custom'`;
  expect(row!.base_url).toBe(api.fakeProvider.url);
});

it('never sends the key to a base URL forged behind the API (decryption fails, nothing is sent)', async () => {
  await api.db.sql`update public.api_credentials set base_url = ${evilUrl} where user_id = ${alice.id} and provider = 'custom'`;
  const chat = await alice.request('POST', '/chat', { provider: 'custom', model: 'any-model', message: 'hello' });
  expect(chat.status).toBe(422);
  expect(await chat.json()).toMatchObject({ error: { code: 'credential_unreadable' } });
  const verify = await alice.request('POST', '/credentials/custom/verify');
  expect(verify.status).toBe(422);
  expect(evilSaw).toEqual([]);
  // Saving the key again for the new URL is the only way to use it there.
  await api.db.sql`update public.api_credentials set base_url = ${api.fakeProvider.url} where user_id = ${alice.id} and provider = 'custom'`;
  expect(await (await alice.request('POST', '/credentials/custom/verify')).json()).toMatchObject({ ok: true });
});
