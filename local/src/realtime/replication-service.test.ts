import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startShutdownServer, uncaughtDuring, type ShutdownServer } from '../../../tests/helpers/postgres-shutdown.ts';
import { newReplicationService } from './replication-service.ts';

let server: ShutdownServer;
beforeAll(async () => {
  server = await startShutdownServer();
});
afterAll(() => server.close());

const plugin = () => new PgoutputPlugin({ protoVersion: 1, publicationNames: ['supabase_realtime'] });
const config = { acknowledge: { auto: false, timeoutSeconds: 0 } };

/** Subscribes against a server that shuts down right after the start-up; reports what came of it. */
async function subscribeDuringShutdown(service: LogicalReplicationService) {
  const errors: string[] = [];
  service.on('error', (error: Error) => errors.push(error.message));
  let outcome = '';
  const uncaught = await uncaughtDuring(async () => {
    outcome = await service.subscribe(plugin(), 'mrprompt_probe').then(
      () => 'resolved',
      (error: Error) => `rejected: ${error.message}`,
    );
  });
  await service.destroy();
  return { outcome, errors, uncaught: uncaught.map((error) => error.message) };
}

it("the library's own service hears its server going away only as an uncaught exception", async () => {
  const service = new LogicalReplicationService({ host: '127.0.0.1', port: server.port, user: 'u', database: 'd' }, config);
  const { uncaught } = await subscribeDuringShutdown(service);
  // When this fails, pg-logical-replication listens early enough itself: drop replication-service.ts.
  expect(uncaught).toEqual(['terminating connection due to administrator command']);
});

it("newReplicationService reports the shutdown as the service's error and fails the subscription", async () => {
  const service = newReplicationService({ host: '127.0.0.1', port: server.port, user: 'u', database: 'd' }, config);
  const { outcome, errors, uncaught } = await subscribeDuringShutdown(service);
  expect(uncaught).toEqual([]);
  expect(errors[0]).toBe('terminating connection due to administrator command');
  expect(outcome).toMatch(/^rejected: /);
});

it('a server that refuses the connection fails the subscription once, as the library does', async () => {
  const closed = await startShutdownServer();
  await closed.close(); // nothing listens on its port any more
  const service = newReplicationService({ host: '127.0.0.1', port: closed.port, user: 'u', database: 'd' }, config);
  const { outcome, errors, uncaught } = await subscribeDuringShutdown(service);
  expect(uncaught).toEqual([]);
  expect(outcome).toMatch(/^rejected: .*ECONNREFUSED/);
  expect(errors).toHaveLength(1);
});
