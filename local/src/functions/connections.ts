/**
 * The gateway's connections to one function's Deno process: HTTP/2 over cleartext, with prior
 * knowledge (RFC 9113 §3.3) — `Deno.serve` answers both HTTP/1.1 and HTTP/2 on the same port —
 * so requests in flight share a few connections instead of holding one TCP connection each.
 *
 * Why: on hosted Supabase the Edge Runtime hands each request to the function's worker inside
 * its own process; no socket per request reaches the worker. Over HTTP/1.1 every streaming
 * answer held its own connection into the function's process, and Deno's HTTP stack keeps
 * ≈ 90 KB of native memory per served connection: ≈ 87 MB at 1,000 answers streaming at once
 * (≈ 43 MB as HTTP/2 streams, measured standalone), a third of the 256 MB a worker gets.
 *
 * A connection carries at most as many streams as the server allows (its SETTINGS; Deno
 * allows 200); more requests open another connection rather than queue behind them.
 */
import http2 from 'node:http2';

/** Streams per connection until the server's SETTINGS arrive (RFC 9113 §6.5.2 asks servers for ≥ 100). */
const STREAMS_BEFORE_SETTINGS = 100;
/** Flow-control windows for what the function sends back: a stream's as Deno's own, the
 * connection's large enough that one slow reader cannot stall the streams beside it. */
const STREAM_WINDOW = 1 << 20;
const CONNECTION_WINDOW = 64 << 20;
/** nghttp2's memory per connection (MB), headers and frames queued included; Node's default
 * of 10 refuses new streams well before 200 busy ones. */
const SESSION_MEMORY_MB = 64;

interface Connection {
  session: http2.ClientHttp2Session;
  /** Streams opened on it and not yet closed. */
  open: number;
}

export class FunctionConnections {
  private connections: Connection[] = [];
  private closed = false;

  constructor(readonly port: number) {}

  /** Opens a stream to the function; its failures (the process refused or gone) are the stream's 'error'. */
  request(headers: http2.OutgoingHttpHeaders, options?: http2.ClientSessionRequestOptions): http2.ClientHttp2Stream {
    if (this.closed) throw new Error('the function process has gone');
    const connection = this.available() ?? this.connect();
    const stream = connection.session.request(headers, options);
    connection.open += 1;
    stream.once('close', () => {
      connection.open -= 1;
    });
    return stream;
  }

  /** Ends every connection, and the requests on them (the process is being stopped or has exited). */
  close(): void {
    this.closed = true;
    for (const { session } of this.connections) session.destroy();
    this.connections = [];
  }

  private available(): Connection | undefined {
    return this.connections.find(({ session, open }) =>
      !session.closed && !session.destroyed && open < (session.remoteSettings?.maxConcurrentStreams ?? STREAMS_BEFORE_SETTINGS));
  }

  private connect(): Connection {
    const session = http2.connect(`http://127.0.0.1:${this.port}`, {
      settings: { initialWindowSize: STREAM_WINDOW, enablePush: false },
      maxSessionMemory: SESSION_MEMORY_MB,
    });
    const connection: Connection = { session, open: 0 };
    this.connections.push(connection);
    session.once('connect', () => session.setLocalWindowSize(CONNECTION_WINDOW));
    // A refused or broken connection fails each of its streams, which report it; the session's
    // own 'error' needs a listener so it does not throw.
    session.on('error', () => {});
    session.once('close', () => {
      this.connections = this.connections.filter((candidate) => candidate !== connection);
    });
    // Idle connections do not keep the stack's process alive; a request in flight is held by
    // the client's own connection to the gateway.
    session.unref();
    return connection;
  }
}
