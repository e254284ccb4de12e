// The network of a TurnSender, faked for its tests (turn-sender*.test.ts mock
// $lib/chat/chat-stream and $lib/attachments/upload with these): each answer stream the sender
// opens waits in `streams` until the test ends or fails it, and the uploads it deletes are
// listed in `discarded`. Only types are imported, so a mock's factory can load this module
// while the sender's own imports are still being resolved.
import type { ChatRequest, TurnHandlers, ViewEnd } from './chat-stream.ts';

export interface OpenStream {
  body: ChatRequest;
  handlers: TurnHandlers;
  signal: AbortSignal;
  end: (end: ViewEnd) => void;
  fail: (error: unknown) => void;
}

export const streams: OpenStream[] = [];
export const discarded: string[] = [];

export const chatStreamFake = {
  streamChat: (body: ChatRequest, handlers: TurnHandlers, signal: AbortSignal) =>
    new Promise<ViewEnd>((end, fail) => streams.push({ body, handlers, signal, end, fail })),
  attachTurn: () => new Promise(() => {}),
};

export const uploadFake = { discardAttachments: async (paths: string[]) => void discarded.push(...paths) };
