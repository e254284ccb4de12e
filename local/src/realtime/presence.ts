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

export type PresenceMeta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };

/** One channel's presence: the payload kept as the JSON text it came as (what it holds is its
 * size, with no per-object overhead of a parsed map), turned back into a meta when sent. */
interface PresenceEntry {
  key: string;
  json: string;
  ref: string;
  prevRef?: string;
}

export type PresenceState = Record<string, { metas: PresenceMeta[] }>;
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
  /** topic key → wire variant → the encoded presence_state, until the topic's presence changes. */
  private frames = new Map<string, Map<string, string>>();

  /** Tracks or updates `owner`'s presence (`json`: the payload's JSON text); null when the payload did not change. */
  track(topic: string, owner: Owner, key: string, payload: Record<string, unknown>, json = JSON.stringify(payload)): PresenceDiff | null {
    let entries = this.topics.get(topic);
    if (!entries) this.topics.set(topic, (entries = new Map()));
    const previous = entries.get(owner);
    if (previous && previous.json === json) return null;
    const entry: PresenceEntry = { key, json, ref: newRef(), ...(previous ? { prevRef: previous.ref } : {}) };
    entries.set(owner, entry);
    this.frames.delete(topic);
    return {
      joins: { [key]: { metas: [metaOf(entry)] } },
      leaves: previous ? { [previous.key]: { metas: [metaOf(previous)] } } : {},
    };
  }

  /** Removes `owner`'s presence; null when it had none. */
  untrack(topic: string, owner: Owner): PresenceDiff | null {
    const entries = this.topics.get(topic);
    const previous = entries?.get(owner);
    if (!entries || !previous) return null;
    entries.delete(owner);
    this.frames.delete(topic);
    if (entries.size === 0) this.topics.delete(topic);
    return { joins: {}, leaves: { [previous.key]: { metas: [metaOf(previous)] } } };
  }

  /**
   * The topic's presence_state as `encode` writes it for `variant` (a wire format and topic
   * name), encoded once per change: every join of a busy topic sends the same frame instead of
   * decoding and encoding all of its presence again.
   */
  stateFrame(topic: string, variant: string, encode: (state: PresenceState) => string): string {
    let frames = this.frames.get(topic);
    let frame = frames?.get(variant);
    if (frame === undefined) {
      frame = encode(this.state(topic));
      if (this.topics.has(topic)) {
        if (!frames) this.frames.set(topic, (frames = new Map()));
        frames.set(variant, frame);
      }
    }
    return frame;
  }

  /** Everyone present on the topic, grouped by key. */
  state(topic: string): PresenceState {
    const state: PresenceState = {};
    for (const entry of this.topics.get(topic)?.values() ?? []) {
      (state[entry.key] ??= { metas: [] }).metas.push(metaOf(entry));
    }
    return state;
  }
}

function metaOf(entry: PresenceEntry): PresenceMeta {
  const payload = JSON.parse(entry.json) as Record<string, unknown>;
  return { ...payload, phx_ref: entry.ref, ...(entry.prevRef ? { phx_ref_prev: entry.prevRef } : {}) };
}
