// The chat's outbox: messages that could not leave wait, survive a reload, and go once each, in order,
// never while an answer is being written.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from './memory-storage.ts';
import { readQueued, type QueuedMessage } from './drafts.ts';
import { SendQueue, type QueueChat, type SendResult } from './send-queue.ts';

const message = (text: string, files: QueuedMessage['files'] = []): QueuedMessage =>
  ({ id: crypto.randomUUID(), text, files, turn: { provider: 'demo', model: 'demo-model' }, queuedAt: new Date().toISOString() });

/** A chat whose sends answer as told: each send waits until the test settles it. */
class FakeChat implements QueueChat {
  sessionId: string | null = 's1';
  streaming = false;
  sent: { text: string; id: string }[] = [];
  private answers: ((result: SendResult) => void)[] = [];
  sendQueued(m: QueuedMessage): Promise<SendResult> {
    this.sent.push({ text: m.text, id: m.id });
    return new Promise((resolve) => this.answers.push(resolve));
  }
  answer(result: SendResult) {
    this.answers.shift()!(result);
  }
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SendQueue', () => {
  it('keeps waiting messages through a reload, per user and chat, files included', async () => {
    const store = memoryStorage();
    const chat = new FakeChat();
    const queue = new SendQueue('ann', chat, undefined, store);
    queue.add(message('first'));
    queue.add(message('second', [{ path: 'ann/s1/1/plan.pdf', name: 'plan.pdf' }]));
    const reloaded = new SendQueue('ann', new FakeChat(), undefined, store);
    expect(reloaded.items.map((m) => m.text)).toEqual(['first', 'second']);
    expect(reloaded.items[1]!.files).toEqual([{ path: 'ann/s1/1/plan.pdf', name: 'plan.pdf' }]);
    expect(new SendQueue('bob', new FakeChat(), undefined, store).items).toEqual([]);
    // A taken message (Cancel, Edit) is gone from the kept queue too.
    expect(await reloaded.take(reloaded.items[0]!.id)).toMatchObject({ text: 'first' });
    expect(readQueued('ann', 's1', store).map((m) => m.text)).toEqual(['second']);
  });

  it('sends in order, one at a time, each once; one that still cannot leave stays first, with those behind it', async () => {
    const store = memoryStorage();
    const chat = new FakeChat();
    const queue = new SendQueue('ann', chat, undefined, store);
    for (const text of ['one', 'two', 'three']) queue.add(message(text));
    const ids = queue.items.map((m) => m.id);

    let flushing = queue.flush();
    void queue.flush(); // an `online` event and a retry at once: still one send
    await tick();
    expect(chat.sent.map((s) => s.text)).toEqual(['one']);
    expect(queue.waiting.map((m) => m.text)).toEqual(['two', 'three']); // the one being sent is not shown as waiting
    await expect(queue.take(ids[0]!)).resolves.toBe('sending'); // nor taken back while its POST is on its way
    chat.answer('sent');
    await tick();
    expect(chat.sent.map((s) => s.text)).toEqual(['one', 'two']);
    chat.answer('unreachable'); // the network went again
    await flushing;
    expect(queue.items.map((m) => m.text)).toEqual(['two', 'three']);
    expect(queue.waitingFor).toBe('connection');
    expect(readQueued('ann', 's1', store).map((m) => m.text)).toEqual(['two', 'three']);

    flushing = queue.flush();
    await tick();
    chat.answer('sent');
    await tick();
    chat.answer('refused'); // refused by the server: its text went back to the box; it leaves the queue
    await flushing;
    // The same id each time it is tried: the server can tell a repeat (409 already_sent).
    expect(chat.sent.map((s) => s.id)).toEqual([ids[0], ids[1], ids[1], ids[2]]);
    expect(queue.items).toEqual([]);
    expect(readQueued('ann', 's1', store)).toEqual([]);
  });

  it('sends nothing while an answer is being written, and waits after a 409 turn_running', async () => {
    const chat = new FakeChat();
    const queue = new SendQueue('ann', chat, undefined, memoryStorage());
    queue.add(message('after the answer'));
    chat.streaming = true;
    await queue.flush();
    expect(chat.sent).toEqual([]);
    expect(queue.waitingFor).toBe('answer');
    chat.streaming = false;
    const flushing = queue.flush();
    await tick();
    chat.answer('running'); // another device's answer began meanwhile
    await flushing;
    expect(queue.items.map((m) => m.text)).toEqual(['after the answer']);
    expect(queue.waitingFor).toBe('answer');
  });

  it("a new chat's waiting messages move under its id once the first one created it", async () => {
    const store = memoryStorage();
    const chat = new FakeChat();
    chat.sessionId = null;
    const queue = new SendQueue('ann', chat, undefined, store);
    queue.add(message('starts the chat'));
    queue.add(message('follows it'));
    const flushing = queue.flush();
    await tick();
    chat.sessionId = 'new-chat-id'; // the first send's `meta`
    chat.answer('sent');
    await tick();
    expect(readQueued('ann', 'new-chat-id', store).map((m) => m.text)).toEqual(['follows it']);
    expect(readQueued('ann', null, store)).toEqual([]);
    chat.answer('sent');
    await flushing;
    expect(readQueued('ann', 'new-chat-id', store)).toEqual([]);
  });

  // QA17 #1: the list is in localStorage now, shared by every tab of the browser.
  describe('two tabs holding one list', () => {
    afterEach(() => vi.unstubAllGlobals());

    /** Web Locks as a browser has them, shared by the "tabs" of one test. */
    function stubLocks() {
      const held = new Set<string>();
      vi.stubGlobal('navigator', {
        onLine: true,
        locks: {
          async request(name: string, options: { ifAvailable?: boolean }, run: (lock: object | null) => Promise<unknown>) {
            if (held.has(name)) return await run(null);
            held.add(name);
            try {
              return await run({ name });
            } finally {
              held.delete(name);
            }
          },
        },
      });
    }

    it('adds to the list as stored, not as the tab last saw it', () => {
      const store = memoryStorage();
      const laptop = new SendQueue('ann', new FakeChat(), undefined, store);
      const other = new SendQueue('ann', new FakeChat(), undefined, store);
      other.add(message('from the other tab'));
      laptop.add(message('from this tab'));
      expect(readQueued('ann', 's1', store).map((m) => m.text)).toEqual(['from the other tab', 'from this tab']);
      expect(laptop.items.map((m) => m.text)).toEqual(['from the other tab', 'from this tab']);
    });

    it('sends a message once when both tabs try, and the other tab drops it once sent', async () => {
      stubLocks();
      const store = memoryStorage();
      const first = new FakeChat();
      const second = new FakeChat();
      const tabA = new SendQueue('ann', first, undefined, store);
      tabA.add(message('asked while offline'));
      const tabB = new SendQueue('ann', second, undefined, store); // a tab opened later: it reads the list
      expect(tabB.items.map((m) => m.text)).toEqual(['asked while offline']);
      const flushingA = tabA.flush();
      await tick();
      await tabB.flush(); // the network back in both at once
      expect(first.sent.length + second.sent.length).toBe(1);
      (first.sent.length ? first : second).answer('sent');
      await flushingA;
      expect(readQueued('ann', 's1', store)).toEqual([]);
      await tabB.flush(); // as its `storage` event does
      expect(tabB.items).toEqual([]);
      expect(second.sent).toEqual([]);
    });

    it('a tab that waited for the lock does not send what the other tab sent meanwhile', async () => {
      const store = memoryStorage();
      const chat = new FakeChat();
      const tab = new SendQueue('ann', chat, undefined, store);
      tab.add(message('sent by the other tab'));
      // The other tab sends it and takes it off the list while this one waits for the lock.
      vi.stubGlobal('navigator', {
        onLine: true,
        locks: { request: async (_: string, __: object, run: (lock: object) => Promise<unknown>) => { store.clear(); return await run({}); } },
      });
      await tab.flush();
      expect(chat.sent).toEqual([]);
      expect(tab.items).toEqual([]);
    });
    it('a message another tab is sending cannot be cancelled or taken back to edit here (QA18 #4)', async () => {
      stubLocks();
      const store = memoryStorage();
      const sending = new FakeChat();
      const tabA = new SendQueue('ann', new FakeChat(), undefined, store);
      tabA.add(message('please do not send this after all'));
      const tabB = new SendQueue('ann', sending, undefined, store);
      const flushingB = tabB.flush(); // tab B holds the message's lock while its POST is on its way
      await tick();
      expect(sending.sent.map((s) => s.text)).toEqual(['please do not send this after all']);
      const id = tabA.items[0]!.id;
      await expect(tabA.take(id)).resolves.toBe('sending');
      expect(readQueued('ann', 's1', store).map((m) => m.id)).toEqual([id]); // still listed: tab B takes it off once sent
      sending.answer('sent');
      await flushingB;
      expect(readQueued('ann', 's1', store)).toEqual([]);
      await expect(tabA.take(id)).resolves.toBeNull(); // gone, sent
    });
  });
});
