import { expect, it } from 'vitest';
import { createLogger } from './log.ts';

it('redacts secret-looking fields at any depth and respects the level', () => {
  const entries: Record<string, unknown>[] = [];
  const log = createLogger((e) => entries.push(e), 'info').child({ request_id: 'r1' });
  log.debug('hidden');
  log.info('call', { api_key: 'sk-1', nested: { Authorization: 'Bearer x', token_count: 5 }, list: [{ password: 'p' }] });
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ level: 'info', msg: 'call', request_id: 'r1', api_key: '[redacted]', nested: { Authorization: '[redacted]', token_count: 5 }, list: [{ password: '[redacted]' }] });
  expect(JSON.stringify(entries)).not.toMatch(/sk-1|Bearer x/);
});
