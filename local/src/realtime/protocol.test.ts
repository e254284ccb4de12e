import { describe, expect, it } from 'vitest';
import { decodeBinary, decodeText, encodeBinaryBroadcast, encodeText } from './protocol.ts';

describe('Phoenix framing', () => {
  it('round-trips v2 arrays and v1 objects', () => {
    const message = { joinRef: '1', ref: '2', topic: 'realtime:a', event: 'phx_join', payload: { x: 1 } };
    expect(encodeText(message, '2.0.0')).toBe('["1","2","realtime:a","phx_join",{"x":1}]');
    expect(decodeText(encodeText(message, '2.0.0'), '2.0.0')).toEqual(message);
    expect(decodeText(encodeText(message, '1.0.0'), '1.0.0')).toEqual(message);
  });

  it('ignores what is not a Phoenix frame', () => {
    expect(decodeText('not json', '2.0.0')).toBeNull();
    expect(decodeText('{"topic":"a"}', '2.0.0')).toBeNull();
    expect(decodeText('[1,2]', '2.0.0')).toBeNull();
  });

  it('decodes the observed user-broadcast push (https://supabase.com/docs/guides/realtime/protocol)', () => {
    const head = Buffer.from([0x03, 0x01, 0x01, 0x0e, 0x04, 0x00, 0x01]);
    const frame = decodeBinary(Buffer.concat([head, Buffer.from('68realtime:room1ping{"x":1}')]));
    expect(frame).toMatchObject({ joinRef: '6', ref: '8', topic: 'realtime:room1', event: 'ping', metadata: '', encoding: 1 });
    expect(frame?.payload.toString()).toBe('{"x":1}');
  });

  it('refuses truncated or unknown binary frames', () => {
    expect(decodeBinary(Buffer.from([0x03, 0x01, 0x01, 0x0e, 0x04, 0x00, 0x01, 0x36]))).toBeNull();
    expect(decodeBinary(Buffer.from([0x04, 0, 0, 0, 1]))).toBeNull();
  });

  it('encodes the kind=4 broadcast realtime-js decodes', () => {
    const out = encodeBinaryBroadcast({ topic: 'realtime:r', event: 'e', metadata: '', encoding: 1, payload: Buffer.from('{}') });
    expect([...out.subarray(0, 5)]).toEqual([4, 10, 1, 0, 1]);
    expect(out.subarray(5).toString()).toBe('realtime:re{}');
  });
});
