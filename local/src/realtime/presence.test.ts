import { describe, expect, it } from 'vitest';
import { presenceKeyOf, PresenceTracker } from './presence.ts';

describe('presence tracker', () => {
  it('joins, updates with phx_ref_prev, groups by key and leaves', () => {
    const tracker = new PresenceTracker<string>();
    const join = tracker.track('t', 'chan-a', 'alice', { typing: false })!;
    const ref = join.joins.alice.metas[0].phx_ref;
    expect(join).toEqual({ joins: { alice: { metas: [{ typing: false, phx_ref: ref }] } }, leaves: {} });
    expect(tracker.track('t', 'chan-a', 'alice', { typing: false })).toBeNull(); // unchanged
    const update = tracker.track('t', 'chan-a', 'alice', { typing: true })!;
    expect(update.leaves.alice.metas[0].phx_ref).toBe(ref);
    expect(update.joins.alice.metas[0]).toMatchObject({ typing: true, phx_ref_prev: ref });
    tracker.track('t', 'chan-b', 'alice', { device: 'phone' });
    expect(tracker.state('t').alice.metas).toHaveLength(2);
    expect(tracker.untrack('t', 'chan-a')!.leaves.alice.metas[0]).toMatchObject({ typing: true });
    expect(tracker.untrack('t', 'chan-a')).toBeNull();
    expect(Object.keys(tracker.state('other'))).toEqual([]);
  });

  it('gives an empty key a random one, as hosted', () => {
    expect(presenceKeyOf('me')).toBe('me');
    expect(presenceKeyOf('')).toMatch(/^[0-9a-f-]{36}$/);
    expect(presenceKeyOf(undefined)).not.toBe(presenceKeyOf(undefined));
  });

  it('keeps what a track holds as its JSON text and encodes a topic’s presence_state once per change', () => {
    const tracker = new PresenceTracker<string>();
    let encoded = 0;
    const frame = () => tracker.stateFrame('t', 'v2', (state) => (encoded++, JSON.stringify(state)));
    tracker.track('t', 'chan-a', 'alice', { typing: false }, '{"typing":false}');
    const first = frame();
    expect(frame()).toBe(first);
    expect(encoded).toBe(1);
    tracker.track('t', 'chan-a', 'alice', { typing: true });
    expect(JSON.parse(frame()).alice.metas[0]).toMatchObject({ typing: true });
    expect(encoded).toBe(2);
    tracker.untrack('t', 'chan-a');
    expect(frame()).toBe('{}');
    expect(frame()).toBe('{}');
    expect(encoded).toBe(4); // an empty topic keeps nothing
  });
});
