// DATABASE_URL=… npm start: what the operator reads when the URL or the server is wrong. It
// used to be the driver's bare words ("Invalid URL", "connect ECONNREFUSED 127.0.0.1:1"),
// nothing saying they were about DATABASE_URL; a role that is not a superuser failed later,
// halfway through the platform bootstrap.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { getFreePort } from '../ports.ts';
import { startStack } from '../stack.ts';
import { checkGivenDatabase } from './given.ts';

const admin = postgres(inject('databaseAdminUrl'), { max: 1, onnotice: () => {} });
const role = `mrprompt_check_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

const said = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => String(error));

it('accepts a superuser on a wal_level=logical server', async () => {
  expect(await said(checkGivenDatabase(inject('databaseAdminUrl')))).toBe('accepted');
});

it('says what a URL should look like', async () => {
  expect(await said(checkGivenDatabase('localhost:5432'))).toContain('DATABASE_URL must start with postgresql://');
  expect(await said(checkGivenDatabase('not a url'))).toContain('DATABASE_URL is not a URL: expected postgresql://');
});

it('names DATABASE_URL and where it points when the server does not answer, never the password', async () => {
  const port = await getFreePort();
  const message = await said(checkGivenDatabase(`postgresql://postgres:hunter2-secret@127.0.0.1:${port}/postgres`));
  expect(message).toContain(`the database at DATABASE_URL (127.0.0.1:${port}/postgres) could not be used: `);
  expect(message).toContain('ECONNREFUSED');
  expect(message).not.toContain('hunter2');
});

it('refuses a role that is not a superuser before anything is created with it', async () => {
  await admin.unsafe(`create role ${role} login password 'pw-${role}'`);
  const url = new URL(inject('databaseAdminUrl'));
  url.username = role;
  url.password = `pw-${role}`;
  const message = await said(checkGivenDatabase(url.toString()));
  expect(message).toContain(`DATABASE_URL's user "${role}" is not a superuser`);
  expect(message).not.toContain(`pw-${role}`);
});

it('is what `npm start` with such a DATABASE_URL says', async () => {
  const port = await getFreePort();
  const message = await said(startStack({ databaseUrl: `postgresql://postgres:pw@127.0.0.1:${port}/postgres`, apiPort: await getFreePort(), webPort: false, log: () => {} }));
  expect(message).toContain(`the database at DATABASE_URL (127.0.0.1:${port}/postgres) could not be used`);
});
