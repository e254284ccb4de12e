import { describe, expect, it } from 'vitest';
import { TopicRegistry, type TopicMember } from './topics.ts';

function member(topic: string, vsn: '1.0.0' | '2.0.0', isPrivate = false, reads = true): TopicMember & { got: (string | Buffer)[] } {
  const got: (string | Buffer)[] = [];
  return { topic, vsn, isPrivate, got, canReadBroadcast: () => reads, canReadPresence: () => reads, deliver: (f) => got.push(f) };
}

describe('topic registry', () => {
  it('encodes once per format: binary for v2 user broadcasts, text otherwise, with meta', () => {
    const topics = new TopicRegistry();
    const [v2, v1, sender] = [member('realtime:r', '2.0.0'), member('realtime:r', '1.0.0'), member('realtime:r', '2.0.0')];
    for (const m of [v2, v1, sender]) topics.add('r', m);
    const sent = topics.broadcast('r', false, { event: 'e', bytes: { encoding: 1, data: Buffer.from('{"x":1}') }, meta: { id: 'm1' }, binary: true }, sender);
    expect(sent).toBe(2);
    expect(sender.got).toEqual([]);
    const frame = v2.got[0] as Buffer;
    expect(frame[0]).toBe(4);
    expect(frame.subarray(5).toString()).toBe('realtime:re{"id":"m1"}{"x":1}');
    expect(JSON.parse(v1.got[0] as string)).toEqual({
      join_ref: null, ref: null, topic: 'realtime:r', event: 'broadcast',
      payload: { type: 'broadcast', event: 'e', payload: { x: 1 }, meta: { id: 'm1' } },
    });
  });

  it('keeps private and public topics of one name apart and skips members without read', () => {
    const topics = new TopicRegistry();
    const [pub, reader, blocked] = [member('realtime:s', '2.0.0'), member('realtime:s', '2.0.0', true), member('realtime:s', '2.0.0', true, false)];
    for (const m of [pub, reader, blocked]) topics.add('s', m);
    topics.broadcast('s', true, { event: 'e', json: { value: { a: 1 } }, binary: false });
    expect([pub.got.length, reader.got.length, blocked.got.length]).toEqual([0, 1, 0]);
    expect(JSON.parse(reader.got[0] as string)).toEqual([null, null, 'realtime:s', 'broadcast', { type: 'broadcast', event: 'e', payload: { a: 1 } }]);
    topics.remove('s', reader);
    expect(topics.broadcast('s', true, { event: 'e', json: { value: {} }, binary: false })).toBe(0);
  });
});
