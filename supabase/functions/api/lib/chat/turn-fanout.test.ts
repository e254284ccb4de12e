import { describe, expect, it } from 'vitest';
import type { Broadcaster, BroadcastMessage } from '../realtime-broadcast.ts';
import { TurnFanout } from './turn-fanout.ts';
import type { UnitKind } from './units.ts';

/** A broadcaster that records what it is asked to do. */
function recorder() {
  const log: (string | BroadcastMessage)[] = [];
  const broadcaster: Broadcaster = {
    send: (message) => void log.push(message),
    whenReady: (take) => take(),
    open: (topic) => {
      log.push(`open ${topic}`);
      return () => void log.push(`close ${topic}`);
    },
    flush: async () => {},
  };
  return { log, broadcaster };
}

describe('TurnFanout', () => {
  it('sends nothing before the rows exist, then the units so far, the rest as they come, and done with the last seq', () => {
    const { log, broadcaster } = recorder();
    const fanout = new TurnFanout(broadcaster, 'session:s1', 'm1');
    const texts = ['Hel'];
    const kinds: UnitKind[] = ['reasoning'];
    fanout.send(texts, kinds);
    expect(log).toEqual([]);
    texts.push('lo');
    kinds.push('content');
    fanout.begin(texts, kinds);
    texts.push('!');
    kinds.push('content');
    fanout.send(texts, kinds);
    fanout.end('complete', null, texts.length);
    expect(log).toEqual([
      'open session:s1',
      { topic: 'session:s1', event: 'reasoning', payload: { message_id: 'm1', seq: 1, text: 'Hel' } },
      { topic: 'session:s1', event: 'delta', payload: { message_id: 'm1', seq: 2, text: 'lo' } },
      { topic: 'session:s1', event: 'delta', payload: { message_id: 'm1', seq: 3, text: '!' } },
      { topic: 'session:s1', event: 'done', payload: { message_id: 'm1', status: 'complete', code: null, seq: 3 } },
      'close session:s1',
    ]);
  });

  it("ends a failed answer with what failed, and only a failed one", () => {
    const { log, broadcaster } = recorder();
    const failed = new TurnFanout(broadcaster, 'session:s4', 'm4');
    failed.begin([], []);
    failed.end('error', 'provider_error', 0, { code: 'provider_error', message: 'The provider had a server error (500). Try again, or pick another provider.' });
    const stopped = new TurnFanout(broadcaster, 'session:s5', 'm5');
    stopped.begin([], []);
    stopped.end('stopped', 'stopped_by_user', 0, { code: 'ignored', message: 'not sent' });
    expect(log.filter((entry) => typeof entry !== 'string')).toEqual([
      { topic: 'session:s4', event: 'done', payload: { message_id: 'm4', status: 'error', code: 'provider_error', seq: 0, error: { code: 'provider_error', message: 'The provider had a server error (500). Try again, or pick another provider.' } } },
      { topic: 'session:s5', event: 'done', payload: { message_id: 'm5', status: 'stopped', code: 'stopped_by_user', seq: 0 } },
    ]);
  });

  it('says nothing for a turn whose rows never existed, and joins no channel once the turn is done with it', () => {
    const { log, broadcaster } = recorder();
    new TurnFanout(broadcaster, 'session:s2', 'm2').end('error', 'not_started', 0);
    expect(log).toEqual([]);
    const late = new TurnFanout(broadcaster, 'session:s3', 'm3');
    late.release();
    late.begin(['a'], ['content']);
    expect(log.filter((entry) => typeof entry === 'string')).toEqual([]);
  });
});
