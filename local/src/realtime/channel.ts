/**
 * One joined channel of one socket: its bindings, config (broadcast self/ack, presence key,
 * private), the token and claims its checks use, the permissions granted on a private topic,
 * and the timer that closes it when that token expires (the `access_token` message of https://supabase.com/docs/guides/realtime/protocol).
 */
import type { VerifiedClaims } from '../keys/index.ts';
import type { Extension, Permissions } from './authorization.ts';
import type { Binding } from './bindings.ts';
import { PresenceWindow, type RealtimeLimits, type SocketUsage } from './limits.ts';
import type { ChangeSubscriber } from './dispatch.ts';
import type { PhoenixMessage, Vsn } from './protocol.ts';
import type { TopicMember } from './topics.ts';
import type { Viewer } from './visibility.ts';

export type Claims = VerifiedClaims & { role: string };

export interface ChannelOptions {
  topic: string;
  joinRef: string;
  vsn: Vsn;
  bindings: Binding[];
  token: string;
  claims: Claims;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceKey: string;
  presenceEnabled: boolean;
  isPrivate: boolean;
  /** Read permissions granted at join (private channels only). */
  read: Permissions;
  send(message: PhoenixMessage): void;
  /** An already encoded frame (text or binary). */
  sendRaw(frame: string | Buffer): void;
  /** Called when the token expires; the owner closes the channel. */
  onExpired(channel: Channel, secondsAgo: number): void;
  /** Called when a permission check finds the channel may no longer read; the owner closes it. */
  onRevoked(channel: Channel, message: string): void;
  /** Its socket's count of what its channels hold (limits.ts). */
  usage: SocketUsage;
  /** Size of the join message, counted in `usage` while the channel is joined. */
  joinBytes: number;
  /** Hosted's client presence rate limit (per channel). */
  presenceLimits: RealtimeLimits['clientPresence'];
}

/** The real server re-checks expiry at least this often. */
const EXPIRY_CHECK_MS = 5 * 60_000;

export class Channel implements ChangeSubscriber, TopicMember {
  readonly topic: string;
  readonly joinRef: string;
  readonly vsn: Vsn;
  readonly bindings: Binding[];
  readonly broadcastSelf: boolean;
  readonly broadcastAck: boolean;
  readonly presenceKey: string;
  readonly isPrivate: boolean;
  presenceEnabled: boolean;
  token: string;
  /** Private channels: read permissions from the last check; write ones once asked. */
  read: Permissions;
  write: Permissions = {};
  readonly usage: SocketUsage;
  readonly joinBytes: number;
  /** Size of the presence this channel tracks now (its JSON text), counted in `usage`. */
  presenceBytes = 0;
  readonly presenceWindow: PresenceWindow;
  private claims: Claims;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private options: ChannelOptions) {
    this.topic = options.topic;
    this.joinRef = options.joinRef;
    this.vsn = options.vsn;
    this.bindings = options.bindings;
    this.broadcastSelf = options.broadcastSelf;
    this.broadcastAck = options.broadcastAck;
    this.presenceKey = options.presenceKey;
    this.presenceEnabled = options.presenceEnabled;
    this.isPrivate = options.isPrivate;
    this.read = options.read;
    this.token = options.token;
    this.claims = options.claims;
    this.usage = options.usage;
    this.joinBytes = options.joinBytes;
    this.presenceWindow = new PresenceWindow(options.presenceLimits);
    this.armExpiry();
  }

  /** `realtime:room` → `room`: the `channel` of system messages and the topic policies see. */
  get name(): string {
    return this.topic.replace(/^realtime:/, '');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  viewer(): Viewer {
    return { role: this.claims.role, claims: this.claims };
  }

  canReadBroadcast(): boolean {
    return !this.isPrivate || this.read.broadcast === true;
  }

  canReadPresence(): boolean {
    return !this.isPrivate || this.read.presence === true;
  }

  /** Private channels: undefined until the write policy was checked for `extension`. */
  canWrite(extension: Extension): boolean | undefined {
    return this.isPrivate ? this.write[extension] : true;
  }

  /** Later checks use these claims; private permissions are re-evaluated by the caller. */
  updateToken(token: string, claims: Claims): void {
    this.token = token;
    this.claims = claims;
    this.write = {};
    this.armExpiry();
  }

  /** Closes the channel because it lost its read permission (`message` is hosted's wording). */
  revoke(message: string): void {
    if (!this.closed) this.options.onRevoked(this, message);
  }

  deliver(frame: string | Buffer): void {
    if (!this.closed) this.options.sendRaw(frame);
  }

  send(event: string, payload: unknown, ref: string | null = null, joinRef: string | null = this.joinRef): void {
    if (!this.closed) this.options.send({ joinRef, ref, topic: this.topic, event, payload });
  }

  /** Change events go out with null refs, as the real server encodes them. */
  sendChange(payload: { ids: number[]; data: Record<string, unknown> }): void {
    this.send('postgres_changes', payload, null, null);
  }

  system(extension: string, status: 'ok' | 'error', message: string): void {
    this.send('system', { extension, status, message, channel: this.name });
  }

  /** Stops timers; with `notify`, tells the client with `phx_close` (ref = join_ref). */
  close(notify: boolean): void {
    if (notify) this.send('phx_close', {}, this.joinRef);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private armExpiry(): void {
    if (this.timer) clearTimeout(this.timer);
    const exp = typeof this.claims.exp === 'number' ? this.claims.exp * 1000 : Infinity;
    const wait = Math.max(0, Math.min(exp - Date.now(), EXPIRY_CHECK_MS));
    this.timer = setTimeout(() => {
      const overdue = Date.now() - exp;
      if (overdue >= 0) this.options.onExpired(this, Math.floor(overdue / 1000));
      else this.armExpiry();
    }, wait);
    this.timer.unref();
  }
}
