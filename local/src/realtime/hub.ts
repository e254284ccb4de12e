/**
 * The state every socket shares: joined channels (postgres_changes dispatch walks them),
 * topic membership (broadcast and presence fan-out) and the presence tracker. Channels
 * enter with `attach` and leave with `detach`, which also ends their presence.
 */
import type pg from 'pg';
import type { StackKeys } from '../keys/index.ts';
import { authorizeRead, authorizeWrite, isPolicyError, writesPastPolicies, type Extension } from './authorization.ts';
import type { Catalog } from './catalog.ts';
import type { Channel } from './channel.ts';
import { ConnectionCounter, type RealtimeLimits } from './limits.ts';
import { PresenceTracker, type PresenceDiff } from './presence.ts';
import { cachedVerifier, type TokenVerifier } from '../keys/token-cache.ts';
import { topicKey, TopicRegistry } from './topics.ts';

export interface Hub {
  keys: StackKeys;
  pool: pg.Pool;
  catalog: Catalog;
  channels: Set<Channel>;
  topics: TopicRegistry;
  presence: PresenceTracker<Channel>;
  /** Verifies a JWT (signature, exp, role), cached per token until it expires. */
  verify: TokenVerifier;
  /** What one client may make the service hold or do (limits.ts). */
  limits: RealtimeLimits;
  /** Open sockets, in all and per client address. */
  connections: ConnectionCounter;
  /** A socket that sends nothing for this long is closed (RealtimeServiceOptions.idleTimeoutMs). */
  idleTimeoutMs: number;
  log(line: string): void;
}

export function createHub(base: Pick<Hub, 'keys' | 'pool' | 'catalog' | 'log' | 'limits' | 'idleTimeoutMs'>): Hub {
  return {
    ...base,
    channels: new Set(),
    topics: new TopicRegistry(base.log),
    presence: new PresenceTracker(),
    connections: new ConnectionCounter(base.limits),
    verify: cachedVerifier(base.keys),
  };
}

export function attach(hub: Hub, channel: Channel): void {
  hub.channels.add(channel);
  hub.topics.add(channel.name, channel);
}

/** Removes the channel; with `notify` the client gets `phx_close`. Its presence leaves. */
export function detach(hub: Hub, channel: Channel, notify: boolean): void {
  channel.close(notify);
  hub.channels.delete(channel);
  hub.topics.remove(channel.name, channel);
  const diff = hub.presence.untrack(topicKey(channel.name, channel.isPrivate), channel);
  if (diff) sendPresenceDiff(hub, channel, diff);
}

export function sendPresenceDiff(hub: Hub, channel: Channel, diff: PresenceDiff): void {
  hub.topics.presence(channel.name, channel.isPrivate, 'presence_diff', diff);
}

/** The authorisation context of a channel: its topic as policies see it, its role and claims. */
export function contextOf(channel: Channel): { topic: string; role: string; claims: Record<string, unknown> } {
  const viewer = channel.viewer();
  return { topic: channel.name, role: viewer.role, claims: viewer.claims };
}

/**
 * Whether a private channel may write `extension`, asking the database once per token
 * (as hosted caches it in the channel's policies). A policy that fails counts as a refusal.
 */
export async function ensureWrite(hub: Hub, channel: Channel, extension: Extension): Promise<boolean> {
  const known = channel.canWrite(extension);
  if (known !== undefined) return known;
  try {
    const context = contextOf(channel);
    const granted = (await writesPastPolicies(hub.pool, context.role)) ? { [extension]: true } : await authorizeWrite(hub.pool, context, [extension]);
    channel.write[extension] = granted[extension] === true;
  } catch (error) {
    hub.log(`realtime: write policy check on ${channel.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (isPolicyError(error)) channel.write[extension] = false; // else: asked again next time
    return false;
  }
  return channel.write[extension] === true;
}

/** Presence read on a private channel whose join did not check it (presence was off). */
export async function ensurePresenceRead(hub: Hub, channel: Channel): Promise<void> {
  if (!channel.isPrivate || channel.read.presence !== undefined) return;
  try {
    const granted = await authorizeRead(hub.pool, contextOf(channel), ['presence']);
    channel.read = { ...channel.read, presence: granted.presence === true };
  } catch (error) {
    hub.log(`realtime: read policy check on ${channel.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (isPolicyError(error)) channel.read = { ...channel.read, presence: false };
  }
}
