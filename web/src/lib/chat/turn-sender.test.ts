// A send's stream closes after its answer ended, and the answer often ends first by broadcast:
// an Enter pressed in between sends, and the two sends' streams stay apart (each ends only itself).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/index.ts';
import type { SentFile } from './turn-sender.ts';
import { discarded, streams } from './turn-sender-fakes.ts';
import { setUp, tick, turn } from './turn-sender-harness.ts';

vi.mock('$lib/chat/chat-stream', async () => (await import('./turn-sender-fakes.ts')).chatStreamFake);
vi.mock('$lib/attachments/upload', async () => (await import('./turn-sender-fakes.ts')).uploadFake);

describe('TurnSender', () => {
  beforeEach(() => {
    streams.length = 0;
  });

  it('lets a second question go once the first answer ended by broadcast, before its own stream closed', async () => {
    const { chat, events, views, sender } = setUp();
    const first = sender.run(turn('First'), () => {}, { userText: 'First' });
    expect(chat.streaming).toBe(true);
    expect(streams).toHaveLength(1);
    streams[0]!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1' });
    streams[0]!.handlers.delta({ seq: 1, text: 'One' });
    // The session's broadcast brings the end before the POST stream's own `done`.
    events.for(() => 'a1').done({ status: 'complete' });
    expect(chat.streaming).toBe(false);
    expect(chat.sending).toBe(true);

    const second = sender.run(turn('Second'), () => {}, { userText: 'Second' });
    expect(streams).toHaveLength(2);
    expect(chat.streaming).toBe(true);
    streams[1]!.handlers.meta({ session_id: 's1', user_message_id: 'u2', assistant_message_id: 'a2' });

    // The first stream closes now: the second send goes on, still sending, with its own view.
    streams[0]!.handlers.done({ status: 'complete' });
    streams[0]!.end('done');
    await first;
    expect(chat.sending).toBe(true);
    expect(views.has('a2')).toBe(true);
    expect(streams[1]!.signal.aborted).toBe(false);
    expect(chat.messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'], ['a1', 'complete'], ['u2', 'complete'], ['a2', 'streaming'],
    ]);

    streams[1]!.handlers.delta({ seq: 1, text: 'Two' });
    streams[1]!.handlers.done({ status: 'complete' });
    streams[1]!.end('done');
    await second;
    expect(chat.sending).toBe(false);
    expect(chat.messages.find((m) => m.id === 'a2')).toMatchObject({ content: 'Two', status: 'complete' });
  });

  // QA17 #3: the chat view read the new chat's members as soon as its id came, before its rows
  // were committed, and got 404. It waits on rowsPending (chat-live.svelte.ts).
  it("says a new chat's rows are not readable yet between a meta that streamed first and `stored`", async () => {
    const { chat, sender } = setUp();
    chat.sessionId = null;
    const opened: string[] = [];
    const running = sender.run(turn('First'), (id) => opened.push(id), { userText: 'First' });
    streams[0]!.handlers.meta({ session_id: 'new-1', user_message_id: 'u1', assistant_message_id: 'a1', stored: false });
    expect(chat.sessionId).toBe('new-1');
    expect(chat.rowsPending).toBe(true);
    expect(opened).toEqual([]);
    streams[0]!.handlers.stored?.();
    expect(chat.rowsPending).toBe(false);
    expect(opened).toEqual(['new-1']);
    streams[0]!.end('done');
    await running;
    expect(chat.rowsPending).toBe(false);
  });

  it('does not send while an answer is being written, and leaving the chat closes every open stream', async () => {
    const { chat, events, sender } = setUp();
    void sender.run(turn('First'), () => {}, { userText: 'First' });
    await sender.run(turn('Too soon'), () => {}, { userText: 'Too soon' });
    expect(streams).toHaveLength(1);
    streams[0]!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1' });
    events.for(() => 'a1').done({ status: 'complete' });
    void sender.run(turn('Second'), () => {}, { userText: 'Second' });
    expect(streams).toHaveLength(2);
    sender.dispose();
    expect(streams.map((s) => s.signal.aborted)).toEqual([true, true]);
    await tick();
  });

  it('a stop asked for before the answer is named stops the newest send once it is named', async () => {
    const { chat, sender } = setUp();
    const stop = vi.spyOn(chat, 'stop');
    void sender.run(turn('First'), () => {}, { userText: 'First' });
    sender.stopWhenNamed();
    expect(stop).not.toHaveBeenCalled();
    streams[0]!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1' });
    expect(stop).toHaveBeenCalledTimes(1);
  });

  // QA13 #2: the API left the oldest messages out (`dropped_turns`) and the page never said so.
  it('keeps, by answer, how many of the oldest messages its model could not see; none for an answer that saw them all', () => {
    for (const [dropped, kept] of [[3, { a1: 3 }], [0, {}], [undefined, {}]] as const) {
      const { chat, sender } = setUp();
      void sender.run(turn('Long'), () => {}, { userText: 'Long' });
      streams.at(-1)!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1', dropped_turns: dropped });
      expect(chat.leftOutTurns).toEqual(kept);
    }
  });

  // QA 3: an edited question showed no chips until a reload.
  it("an edit's question shows its files at once, then as the server recorded them; a refused one gives none of them back", async () => {
    const { chat, sender } = setUp();
    const kept: SentFile = { path: 'me/chat/1/plan.pdf', name: 'plan.pdf', type: 'application/pdf', size: 900, truncated: false };
    const added: SentFile = { path: 'me/chat/2/notes.md', name: 'notes.md', type: 'text/markdown', size: 12, truncated: false };
    const edit = (text: string) => ({ ...turn(text), edit_message_id: 'u0', attachments: [kept.path, added.path] });
    const first = sender.run(edit('Again'), () => {}, { userText: 'Again', chips: [kept, added] });
    const pending = chat.messages.find((m) => m.sender === 'user')!;
    expect(chat.filesSent[pending.id]).toEqual([kept, added]);
    expect(streams[0]!.body.attachments).toEqual([kept.path, added.path]);
    streams[0]!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1', attachments: [{ ...kept, truncated: true }] });
    expect(chat.filesSent).toEqual({ u1: [{ ...kept, truncated: true }] });
    streams[0]!.handlers.done({ status: 'complete' });
    streams[0]!.end('done');
    await first;

    // Refused before anything was stored: no chips left behind, and no file goes to the message
    // box (the edited version still carries the kept one: removing it there would delete it).
    for (const [i, error] of [new ApiError(422, 'invalid_request', 'Refused.'), new ApiError(503, 'provider_unavailable', 'Busy.')].entries()) {
      const refused = sender.run(edit('Once more'), () => {}, { userText: 'Once more', chips: [kept] });
      expect(Object.keys(chat.filesSent)).toHaveLength(2);
      streams[1 + i]!.fail(error);
      await refused;
      expect(chat.filesSent).toEqual({ u1: [{ ...kept, truncated: true }] });
      expect(chat.returnedAttachments).toEqual([]);
      expect(chat.messages.filter((m) => m.id.startsWith('pending-'))).toEqual([]);
    }
    expect(chat.sendError?.retry).toBeTruthy(); // the 503's
    sender.dispose();
    await tick();
    expect(discarded).toEqual([]);
  });
  // QA: nothing that could not be sent was sent by itself once back online (it waited in the box).
  it('a question whose POST got no answer is handed to the queue: no copy left in the chat, nothing back in the box', async () => {
    const { chat, sender } = setUp();
    const body = { ...turn('Offline question'), client_id: crypto.randomUUID() };
    const sending = sender.run(body, () => {}, { userText: 'Offline question', attachments: ['me/s1/1/a.md'], queueable: true });
    expect(streams[0]!.body.client_id).toBe(body.client_id);
    streams[0]!.fail(new ApiError(0, 'unreachable', 'You are offline.'));
    await expect(sending).resolves.toBe('unreachable');
    expect(chat.messages).toEqual([]);
    expect(chat.sendError).toBeNull();
    expect(chat.returnedDraft).toBeNull();
    expect(chat.returnedAttachments).toEqual([]);
    expect(discarded).not.toContain('me/s1/1/a.md'); // its file waits with it
  });

  it('one the server already has (its answer was lost) is shown as stored, in the chat it created', async () => {
    const { chat, sender } = setUp();
    chat.sessionId = null;
    const catchUp = vi.spyOn(chat, 'catchUp').mockImplementation(async () => {
      chat.messages = [{ ...chat.messages[0]!, id: 'u1', session_id: 'made', sender: 'user', content: 'Lost answer', status: 'complete' }];
    });
    const opened: string[] = [];
    const sending = sender.run({ ...turn('Lost answer'), client_id: crypto.randomUUID() }, (id) => opened.push(id), { userText: 'Lost answer', queueable: true, fromQueue: true });
    streams[0]!.fail(new ApiError(409, 'already_sent', 'Sent already.', { session_id: 'made', user_message_id: 'u1' }));
    await expect(sending).resolves.toBe('sent');
    expect(chat.sessionId).toBe('made');
    expect(opened).toEqual(['made']);
    expect(catchUp).toHaveBeenCalled();
    expect(chat.messages.map((m) => m.id)).toEqual(['u1']);
    expect(chat.sendError).toBeNull();
  });
});
