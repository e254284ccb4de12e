/**
 * Timed chat requests for the benchmarks: one streamed chat through the gateway and the
 * Deno function (time to the first `delta` event and to the end), and the same request
 * straight to the fake provider (time to the first content chunk and to `[DONE]`).
 */
import { now } from './stats.ts';

export interface TimedChat {
  ok: boolean;
  ttftMs: number;
  totalMs: number;
  /** Epoch ms (performance clock) when the first token reached the client. */
  firstTokenAt: number;
  error?: string;
  sessionId?: string;
}

export interface StreamOptions {
  /** Called with each delta's text as it arrives (and the arrival time). */
  onDelta?: (text: string, at: number) => void;
  /** Close the connection right after the first delta (a client that goes away mid-answer). */
  cutAfterFirstDelta?: boolean;
}

function deltaText(block: string): string {
  const data = block.split('\n').find((line) => line.startsWith('data:'));
  try {
    const parsed: unknown = JSON.parse(data?.slice(5) ?? '');
    return parsed && typeof parsed === 'object' && 'text' in parsed && typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

async function readStream(res: Response, started: number, isToken: (block: string) => boolean, isEnd: (block: string) => boolean, stream: StreamOptions = {}): Promise<TimedChat> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let firstTokenAt = 0;
  let ended = false;
  let sessionId: string | undefined;
  let error: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (isToken(block)) {
        const at = now();
        firstTokenAt ||= at;
        stream.onDelta?.(deltaText(block), at);
        if (stream.cutAfterFirstDelta) {
          await reader.cancel();
          return { ok: true, ttftMs: firstTokenAt - started, totalMs: now() - started, firstTokenAt, sessionId };
        }
      }
      if (isEnd(block)) ended = true;
      if (/^event: ?meta/m.test(block)) sessionId = /"session_id":"([^"]+)"/.exec(block)?.[1];
      if (/^event: ?error/m.test(block)) error = block.slice(0, 300);
    }
  }
  const finished = now();
  return {
    ok: ended && !error && firstTokenAt > 0,
    ttftMs: firstTokenAt ? firstTokenAt - started : Number.NaN,
    totalMs: finished - started,
    firstTokenAt,
    error,
    sessionId,
  };
}

/** POST /functions/v1/api/chat through the gateway. */
export async function chatThroughStack(options: { apiUrl: string; apikey: string; token: string; message: string; sessionId?: string } & StreamOptions): Promise<TimedChat> {
  const started = now();
  try {
    const res = await fetch(`${options.apiUrl}/functions/v1/api/chat`, {
      method: 'POST',
      headers: { apikey: options.apikey, authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'demo', model: 'demo-model', message: options.message, ...(options.sessionId ? { session_id: options.sessionId } : {}) }),
    });
    if (res.status !== 200) return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: `${res.status} ${(await res.text()).slice(0, 200)}` };
    return await readStream(res, started, (b) => /^event: ?delta/m.test(b), (b) => /^event: ?done/m.test(b), options);
  } catch (error) {
    return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: String(error) };
  }
}

/** POST /api/chat on the app itself (`app.request`), in this process. */
export async function chatInProcess(options: { app: { request(url: string, init: RequestInit): Response | Promise<Response> }; token: string; message: string }): Promise<TimedChat> {
  const started = now();
  const res = await options.app.request('/api/chat', {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'demo', model: 'demo-model', message: options.message }),
  });
  if (res.status !== 200) return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: `${res.status} ${(await res.text()).slice(0, 200)}` };
  return await readStream(res, started, (b) => /^event: ?delta/m.test(b), (b) => /^event: ?done/m.test(b));
}

/** The provider's request through the gateway to bench/functions/bench-passthrough: no app code. */
export async function chatPassthrough(options: { apiUrl: string; apikey: string; token: string; message: string }): Promise<TimedChat> {
  const started = now();
  try {
    const res = await fetch(`${options.apiUrl}/functions/v1/bench-passthrough`, {
      method: 'POST',
      headers: { apikey: options.apikey, authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: options.message }] }),
    });
    if (res.status !== 200) return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: `${res.status} ${(await res.text()).slice(0, 200)}` };
    return await readStream(res, started, (b) => /"content":"[^"]/.test(b), (b) => b.includes('[DONE]'));
  } catch (error) {
    return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: String(error) };
  }
}

/** The same conversation sent straight to the provider (the floor). */
export async function chatDirect(options: { providerUrl: string; message: string }): Promise<TimedChat> {
  const started = now();
  try {
    const res = await fetch(`${options.providerUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer direct', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: options.message }] }),
    });
    if (res.status !== 200) return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: String(res.status) };
    return await readStream(res, started, (b) => /"content":"[^"]/.test(b), (b) => b.includes('[DONE]'));
  } catch (error) {
    return { ok: false, ttftMs: NaN, totalMs: now() - started, firstTokenAt: 0, error: String(error) };
  }
}

/** Runs `count` jobs with at most `concurrency` at a time; results in job order. */
export async function pool<T>(count: number, concurrency: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  });
  await Promise.all(workers);
  return results;
}
