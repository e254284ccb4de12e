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

  // Audit F9: encodeBinaryBroadcast threw for the v2 subscriber, out of onTransaction, and the
  // replication stream restarted on that commit for ever.
  it('skips the members of a format that cannot carry the message (a 256-byte event in the v2 binary frame), logs once, and reaches the others', () => {
    const lines: string[] = [];
    const topics = new TopicRegistry((line) => lines.push(line));
    const [v2, v1] = [member('realtime:r', '2.0.0'), member('realtime:r', '1.0.0')];
    for (const m of [v2, v1]) topics.add('r', m);
    const long = { event: 'e'.repeat(256), bytes: { encoding: 1 as const, data: Buffer.from('{"x":1}') }, meta: { id: 'm1' }, binary: true };
    expect(topics.broadcast('r', false, long)).toBe(1);
    expect(topics.broadcast('r', false, long)).toBe(1);
    expect(v2.got).toEqual([]); // as hosted: its V2Serializer raises on a field over 255 bytes
    expect(v1.got.map((f) => (JSON.parse(f as string) as { payload: { payload: unknown } }).payload.payload)).toEqual([{ x: 1 }, { x: 1 }]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('event must be at most 255 bytes, but is 256 bytes');
    topics.broadcast('r', false, { event: 'short', bytes: { encoding: 1, data: Buffer.from('{}') }, binary: true });
    expect((v2.got[0] as Buffer)[0]).toBe(4); // the next message goes out as usual
  });
});
