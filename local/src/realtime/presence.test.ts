import { describe, expect, it } from 'vitest';
import { impersonatesUser, presenceKeyOf, PresenceTracker } from './presence.ts';

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

  it('treats a chosen key that is another account\'s id as impersonation (local only)', () => {
    const me = '6f1c2a4e-0b7d-4c55-9a10-2f3e4d5c6b7a';
    const other = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
    expect(impersonatesUser(other, me)).toBe(true);
    expect(impersonatesUser(other, undefined)).toBe(true); // anonymous: no id is theirs
    expect(impersonatesUser(me, me)).toBe(false);
    expect(impersonatesUser(me.toUpperCase(), me)).toBe(false);
    expect(impersonatesUser('desk', me)).toBe(false); // names nobody
    expect(impersonatesUser(null, me)).toBe(false); // left empty: a random key
  });
});
