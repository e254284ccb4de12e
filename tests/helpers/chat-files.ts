/**
 * A chat turn with files as the attachment tests send it, on the Storage harness
 * (storage-api.ts): upload into the user's `chat/` folder, POST /chat to the fake `demo`
 * provider, and read what the provider was sent.
 *
 *   const path = await uploadToChat(alice, 'notes.md', '# notes', 'text/markdown');
 *   const reply = await chatAs(alice, { message: 'Read this', attachments: [path] });
 *   expect(lastProviderMessages(h.provider).user.content).toContain('# notes');
 */
import type { FakeProvider } from '../../local/src/demo-provider.ts';
import { readSse, type SseEvent } from './api.ts';
import { uploadAs, type StorageApiUser } from './storage-api.ts';

/** Uploads a file for a chat message, as the web tray does; returns its object path. */
export const uploadToChat = (user: StorageApiUser, name: string, body: Buffer | string, contentType: string): Promise<string> =>
  uploadAs(user, 'chat', name, body, contentType);

/** A turn as the client saw it: a refusal's `error`, or the stream's events with its `meta` and `done`. */
export interface ChatReply {
  status: number;
  /** The refusal's `{code, message, …}` as the API sent it (null when answered). */
  error: any;
  events: SseEvent[];
  meta: Record<string, any>;
  done: Record<string, any> | undefined;
}

/** POST /chat as `user` to the `demo` provider, the stream read to its end. */
export async function chatAs(user: StorageApiUser, body: Record<string, unknown>): Promise<ChatReply> {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', ...body });
  if (res.status !== 200) return { status: res.status, error: (await res.json()).error, events: [], meta: {}, done: undefined };
  const events = await readSse(res);
  return {
    status: 200,
    error: null,
    events,
    meta: events.find((e) => e.event === 'meta')?.data ?? {},
    done: events.find((e) => e.event === 'done')?.data,
  };
}

/** What the fake provider was sent last: every message, the system ones' text, and the last user message. */
export function lastProviderMessages(provider: FakeProvider) {
  const body = provider.requests.at(-1)!.body as { messages: { role: string; content: unknown }[] };
  return {
    messages: body.messages,
    system: body.messages.filter((m) => m.role === 'system').map((m) => m.content as string),
    user: body.messages.filter((m) => m.role === 'user').at(-1)!,
    all: JSON.stringify(body.messages),
  };
}
