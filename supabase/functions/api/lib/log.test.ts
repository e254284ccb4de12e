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

it('redacts key-shaped text inside any field (an upstream error echoing a key)', () => {
  const entries: Record<string, unknown>[] = [];
  const log = createLogger((e) => entries.push(e), 'info');
  // Key-shaped values made per run (no key-like literal in the repository).
  const random = (n: number) => crypto.randomUUID().replaceAll('-', '').slice(0, n);
  log.warn('could not embed a project file', {
    error: `Incorrect API key provided: sk-proj-${random(3)}****${random(4)}. You can find your API key at …`,
    nested: { detail: [`gsk_${random(12)} refused`, `mrp_${random(32)}${random(11)}`, `sb_secret_${random(16)}`] },
    count: 3,
  });
  const text = JSON.stringify(entries);
  expect(text).not.toMatch(/sk-proj|gsk_|mrp_|sb_secret_/);
  expect(entries[0]).toMatchObject({ error: 'Incorrect API key provided: [redacted]. You can find your API key at …', count: 3 });
  // Ordinary words with a dash are left alone.
  log.info('risk-free task-list', { note: 'ask-me desk-top' });
  expect(entries[1]).toMatchObject({ msg: 'risk-free task-list', note: 'ask-me desk-top' });
});
