/**
 * Realtime Presence (https://supabase.com/docs/guides/realtime/presence), shaped as Phoenix
 * Presence sends it and realtime-js's presence adapter reads it:
 *
 *   presence_state  {<key>: {metas: [{phx_ref, ...tracked}]}}            after a join
 *   presence_diff   {joins: {<key>: {metas: [...]}}, leaves: {<key>: {metas: [...]}}}
 *
 * One entry per (channel, topic); the key is the channel's `config.presence.key` (a random
 * one when empty, as hosted). A changed track is a leave of the old meta plus a join of the
 * new one carrying `phx_ref_prev`; a channel that leaves or disconnects leaves.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface PresenceEntry {
  key: string;
  meta: Record<string, unknown> & { phx_ref: string };
}

export type PresenceState = Record<string, { metas: PresenceEntry['meta'][] }>;
export interface PresenceDiff {
  joins: PresenceState;
  leaves: PresenceState;
}

/** A short unique reference, like Phoenix's encoded refs. */
function newRef(): string {
  return randomBytes(9).toString('base64url');
}

export function presenceKeyOf(configured: unknown): string {
  return typeof configured === 'string' && configured !== '' ? configured : randomUUID();
}

export class PresenceTracker<Owner> {
  /** topic key → owner → entry */
  private topics = new Map<string, Map<Owner, PresenceEntry>>();

  /** Tracks or updates `owner`'s presence; null when the payload did not change. */
  track(topic: string, owner: Owner, key: string, payload: Record<string, unknown>): PresenceDiff | null {
    let entries = this.topics.get(topic);
    if (!entries) this.topics.set(topic, (entries = new Map()));
    const previous = entries.get(owner);
    if (previous && sameMeta(previous.meta, payload)) return null;
    const meta = { ...payload, phx_ref: newRef(), ...(previous ? { phx_ref_prev: previous.meta.phx_ref } : {}) };
    entries.set(owner, { key, meta });
    return {
      joins: { [key]: { metas: [meta] } },
      leaves: previous ? { [previous.key]: { metas: [previous.meta] } } : {},
    };
  }

  /** Removes `owner`'s presence; null when it had none. */
  untrack(topic: string, owner: Owner): PresenceDiff | null {
    const entries = this.topics.get(topic);
    const previous = entries?.get(owner);
    if (!entries || !previous) return null;
    entries.delete(owner);
    if (entries.size === 0) this.topics.delete(topic);
    return { joins: {}, leaves: { [previous.key]: { metas: [previous.meta] } } };
  }

  /** Everyone present on the topic, grouped by key. */
  state(topic: string): PresenceState {
    const state: PresenceState = {};
    for (const { key, meta } of this.topics.get(topic)?.values() ?? []) {
      (state[key] ??= { metas: [] }).metas.push(meta);
    }
    return state;
  }
}

function sameMeta(meta: PresenceEntry['meta'], payload: Record<string, unknown>): boolean {
  const { phx_ref: _ref, phx_ref_prev: _prev, ...rest } = meta;
  return JSON.stringify(rest) === JSON.stringify(payload);
}
