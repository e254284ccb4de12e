/**
 * One joined channel of one socket: its bindings, the token and claims its RLS checks use,
 * and the timer that closes it when that token expires (reference §2.7).
 */
import type { VerifiedClaims } from '../keys/index.ts';
import type { Binding } from './bindings.ts';
import type { ChangeSubscriber } from './dispatch.ts';
import type { PhoenixMessage } from './protocol.ts';
import type { Viewer } from './visibility.ts';

export interface ChannelOptions {
  topic: string;
  joinRef: string;
  bindings: Binding[];
  token: string;
  claims: VerifiedClaims & { role: string };
  broadcastSelf: boolean;
  broadcastAck: boolean;
  send(message: PhoenixMessage): void;
  /** Binary frames (broadcast kind=4); only v2 sockets can decode them. */
  sendBinary: ((data: Buffer) => void) | null;
  /** Called when the token expires; the owner closes the channel. */
  onExpired(channel: Channel, secondsAgo: number): void;
}

/** The real server re-checks expiry at least this often. */
const EXPIRY_CHECK_MS = 5 * 60_000;

export class Channel implements ChangeSubscriber {
  readonly topic: string;
  readonly joinRef: string;
  readonly bindings: Binding[];
  readonly broadcastSelf: boolean;
  readonly broadcastAck: boolean;
  token: string;
  private claims: VerifiedClaims & { role: string };
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private options: ChannelOptions) {
    this.topic = options.topic;
    this.joinRef = options.joinRef;
    this.bindings = options.bindings;
    this.broadcastSelf = options.broadcastSelf;
    this.broadcastAck = options.broadcastAck;
    this.token = options.token;
    this.claims = options.claims;
    this.armExpiry();
  }

  /** `realtime:room` → `room`, the `channel` field of system messages. */
  get name(): string {
    return this.topic.replace(/^realtime:/, '');
  }

  viewer(): Viewer {
    return { role: this.claims.role, claims: this.claims };
  }

  /** Later RLS checks use these claims. */
  updateToken(token: string, claims: VerifiedClaims & { role: string }): void {
    this.token = token;
    this.claims = claims;
    this.armExpiry();
  }

  send(event: string, payload: unknown, ref: string | null = null, joinRef: string | null = this.joinRef): void {
    if (!this.closed) this.options.send({ joinRef, ref, topic: this.topic, event, payload });
  }

  /** A user broadcast from another channel of the topic: binary for v2, text for v1. */
  sendBroadcast(binary: Buffer, text: { event: string; payload: unknown } | undefined): void {
    if (this.closed) return;
    if (this.options.sendBinary) this.options.sendBinary(binary);
    else if (text) this.send('broadcast', { type: 'broadcast', ...text }, null, null);
  }

  /** Change events go out with null refs, as the real server encodes them (§2.6). */
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
