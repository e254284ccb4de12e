// What a TurnSender does with a send the server refused: the text and files back in the box (or
// an edit's Edit box), a link to the fix, a Retry only when it can work, and a refusal for an
// answer being written followed rather than shown as a failure.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/index.ts';
import { noticeText } from './chat-notice.ts';
import type { SentFile } from './turn-sender.ts';
import { discarded, streams } from './turn-sender-fakes.ts';
import { setUp, tick, turn } from './turn-sender-harness.ts';

vi.mock('$lib/chat/chat-stream', async () => (await import('./turn-sender-fakes.ts')).chatStreamFake);
vi.mock('$lib/attachments/upload', async () => (await import('./turn-sender-fakes.ts')).uploadFake);

describe('TurnSender: a refused send', () => {
  beforeEach(() => {
    streams.length = 0;
  });

  // QA6 #3: a question refused before it was sent (budget used up, key missing) was lost, and a
  // Retry that could not succeed was offered.
  it('a question refused before its turn began is back in the box with its files, with a link to the fix and Send again only when it can work', async () => {
    const cases = [
      { error: new ApiError(402, 'budget_exceeded', "This month's budget of $0.01 is used up.", { spent_usd: 0.03, monthly_budget_usd: 0.01, resets_at: '2027-01-01T00:00:00Z' }),
        fix: { href: '/settings#budget', label: 'Change budget' }, resend: false },
      { error: new ApiError(402, 'budget_exceeded', "The chat owner's monthly budget is used up.", { resets_at: '2027-01-01T00:00:00Z' }), fix: null, resend: false },
      { error: new ApiError(422, 'missing_credential', 'Add your Custom API key in Settings → API keys first'),
        fix: { href: '/settings#key-custom', label: 'Fix it in Settings' }, resend: false },
      { error: new ApiError(422, 'missing_credential', "The chat's owner shares their key, but has no key", { payer: 'owner' }), fix: null, resend: false },
      { error: new ApiError(403, 'read_only', 'You can no longer post in this chat'), fix: null, resend: false },
      { error: new ApiError(413, 'payload_too_large', 'Request body is larger than 1000 bytes'), fix: null, resend: false },
      { error: new ApiError(429, 'rate_limited', 'Too many messages; try again in 7 s', { retry_after_seconds: 7 }), fix: null, resend: true, againAfterMs: 7000 },
      { error: new ApiError(503, 'database_unavailable', 'Try again.'), fix: null, resend: true },
    ];
    for (const [i, { error, fix, resend, againAfterMs }] of cases.entries()) {
      const { chat, sender } = setUp();
      chat.sessionId = null;
      const body = { ...turn('A long carefully written question'), provider: 'custom', client_id: crypto.randomUUID(), attachments: [`me/chat/${i}/plan.md`] };
      const sending = sender.run(body, () => {}, { userText: body.message, attachments: body.attachments, queueable: true });
      streams.at(-1)!.fail(error);
      await expect(sending).resolves.toBe('refused');
      expect(chat.messages).toEqual([]);
      expect(chat.returnedDraft).toBe('A long carefully written question');
      expect(chat.returnedAttachments).toEqual(body.attachments);
      expect(chat.sendError).toMatchObject({ retry: null, resend, fix });
      expect(chat.sendError?.againAfterMs).toBe(againAfterMs);
      expect(chat.sendError?.message).toContain('Your text and files are back in the message box.');
      sender.dispose();
    }
    await tick();
    expect(discarded).toEqual([]); // the files wait in the box
  });

  it('a regenerate refused for the budget or a key offers no Retry, but a link; a rate limit offers it after its wait', async () => {
    const { chat, sender } = setUp();
    void sender.run({ ...turn('Again'), regenerate: true }, () => {}, {});
    streams[0]!.fail(new ApiError(402, 'budget_exceeded', 'Used up.', { spent_usd: 2, monthly_budget_usd: 1 }));
    await tick();
    expect(chat.sendError).toMatchObject({ retry: null, fix: { href: '/settings#budget' } });
    void sender.run({ ...turn('Again'), regenerate: true }, () => {}, {});
    streams[1]!.fail(new ApiError(429, 'rate_limited', 'Too many.', { retry_after_seconds: 3 }));
    await tick();
    expect(chat.sendError?.retry).toBeTypeOf('function');
    expect(chat.sendError?.againAfterMs).toBe(3000);
  });

  it("an answer's latency is the server's (its usage event or final row), not how long this tab's stream stayed open", async () => {
    const { chat, events, sender } = setUp();
    const first = sender.run(turn('Stopped elsewhere'), () => {}, { userText: 'Stopped elsewhere' });
    streams[0]!.handlers.meta({ session_id: 's1', user_message_id: 'u1', assistant_message_id: 'a1' });
    streams[0]!.handlers.usage({ prompt_tokens: 3, completion_tokens: 5, latency_ms: 4055 });
    events.for(() => 'a1').done({ status: 'stopped' });
    // The stop from another tab took a while to reach this stream.
    await new Promise((resolve) => setTimeout(resolve, 30));
    streams[0]!.end('done');
    await first;
    expect(chat.messages.find((m) => m.id === 'a1')?.latency_ms).toBe(4055);

    // No figure from the server: this tab's own measure stands in.
    const second = sender.run(turn('Quiet'), () => {}, { userText: 'Quiet' });
    streams[1]!.handlers.meta({ session_id: 's1', user_message_id: 'u2', assistant_message_id: 'a2' });
    events.for(() => 'a2').done({ status: 'complete' });
    streams[1]!.end('done');
    await second;
    expect(chat.messages.find((m) => m.id === 'a2')?.latency_ms).toBeTypeOf('number');
  });

  it('a question that meets an answer being written waits for it in the queue (not back in the box), from the queue or freshly sent', async () => {
    const { chat, sender } = setUp();
    const running = new ApiError(409, 'turn_running', 'Busy.', { running_message_id: null });
    const queued = sender.run({ ...turn('Waits'), client_id: crypto.randomUUID() }, () => {}, { userText: 'Waits', queueable: true, fromQueue: true });
    streams[0]!.fail(running);
    await expect(queued).resolves.toBe('running');
    expect(chat.returnedDraft).toBeNull();
    expect(chat.messages).toEqual([]);
    // Two people pressed Send at once: the one who lost waits too (QA8 #6).
    const fresh = sender.run({ ...turn('Typed now'), client_id: crypto.randomUUID() }, () => {}, { userText: 'Typed now', queueable: true });
    streams[1]!.fail(running);
    await expect(fresh).resolves.toBe('running');
    expect(chat.returnedDraft).toBeNull();
    expect(chat.notice).toBeNull();
  });

  it("an edit refused while someone else's answer runs does not invite stopping it; while one's own runs it does", async () => {
    const { chat, sender } = setUp();
    const othersAnswer = { id: 'a9', session_id: 's1', sender: 'assistant', content: '', status: 'streaming', error: null, provider: 'demo', model: 'demo-model', token_count: null, created_at: '', author_id: 'bob' } as const;
    chat.catchUp = async () => void (chat.messages = [{ ...othersAnswer }]);
    const edit = sender.run({ ...turn('Changed'), edit_message_id: 'u1' }, () => {}, { userText: 'Changed' });
    streams[0]!.fail(new ApiError(409, 'turn_running', 'Busy.', { running_message_id: 'a9' }));
    await edit;
    expect(chat.returnedDraft).toBe('Changed');
    expect(noticeText(chat.notice, chat.messages)).toContain('once the answer ends.');
    expect(noticeText(chat.notice, chat.messages)).not.toContain('stop it');

    chat.messages = []; // that answer ended
    chat.catchUp = async () => void (chat.messages = [{ ...othersAnswer, id: 'a10', author_id: 'me' }]);
    const again = sender.run({ ...turn('Changed'), edit_message_id: 'u1' }, () => {}, { userText: 'Changed' });
    streams[1]!.fail(new ApiError(409, 'turn_running', 'Busy.', { running_message_id: 'a10' }));
    await again;
    expect(noticeText(chat.notice, chat.messages)).toContain('(or stop it)');
    // QA17 #2: the note went on saying so after that answer had ended; it goes with it.
    chat.messages[0]!.status = 'complete';
    expect(noticeText(chat.notice, chat.messages)).toBeNull();
  });

  // QA17 #2: Regenerate pressed on two devices a moment apart: the second got "Your message was not sent … (or stop it)".
  it('a regenerate refused because the same regeneration began elsewhere follows it without a word', async () => {
    const { chat, sender, views } = setUp();
    const begun = { id: 'a2', session_id: 's1', sender: 'assistant', content: 'Hel', status: 'streaming', error: null, provider: 'demo', model: 'demo-model', token_count: null, created_at: '', parent_id: 'u1' } as const;
    chat.catchUp = async () => void (chat.messages = [{ ...begun }]);
    const regenerate = sender.run({ ...turn('The question'), regenerate: true, stop_message_id: null }, () => {}, { regenerates: 'u1' });
    streams[0]!.fail(new ApiError(409, 'answer_started_elsewhere', 'Started elsewhere.', { running_message_id: 'a2' }));
    await expect(regenerate).resolves.toBe('refused');
    expect(chat.messages.map((m) => m.id)).toEqual(['a2']);
    expect(views.has('a2')).toBe(true);
    expect(noticeText(chat.notice, chat.messages)).toBeNull();
    expect(chat.sendError).toBeNull();
    expect(chat.returnedDraft).toBeNull();

    // Another question's answer begun meanwhile: a note says why it shows, and goes when it ends.
    chat.messages = []; // that answer ended
    chat.catchUp = async () => void (chat.messages = [{ ...begun, id: 'a3', parent_id: 'u2' }]);
    const other = sender.run({ ...turn('The question'), regenerate: true, stop_message_id: null }, () => {}, { regenerates: 'u1' });
    streams[1]!.fail(new ApiError(409, 'answer_started_elsewhere', 'Started elsewhere.', { running_message_id: 'a3' }));
    await other;
    expect(noticeText(chat.notice, chat.messages)).toContain('instead of regenerating');
    expect(chat.sendError).toBeNull();
    chat.messages[0]!.status = 'complete';
    expect(noticeText(chat.notice, chat.messages)).toBeNull();
  });

  // QA9 #2: a refused edit went to the message box, and sent from there became a new question at the end.
  it('an edit refused before its turn begins goes back to its own Edit box, with its files and the reason, never to the message box', async () => {
    const { chat, sender } = setUp();
    const kept: SentFile = { path: 'me/chat/1/plan.pdf', name: 'plan.pdf', type: 'application/pdf', size: 900, truncated: false };
    const refusals = [
      { error: new ApiError(413, 'message_too_long', 'This message is 40,000 characters; a message can be at most 32,000.'), resend: false, wait: undefined },
      { error: new ApiError(402, 'budget_exceeded', 'Budget used up.', { spent_usd: 5 }), resend: false, wait: undefined },
      { error: new ApiError(422, 'missing_credential', 'No key for demo.'), resend: false, wait: undefined },
      { error: new ApiError(429, 'rate_limited', 'Too many messages.', { retry_after_seconds: 3 }), resend: true, wait: 3000 },
      { error: new ApiError(503, 'provider_unavailable', 'Busy.'), resend: true, wait: undefined },
    ];
    for (const [i, { error, resend, wait }] of refusals.entries()) {
      const text = `Edited ${i}`;
      const body = { ...turn(text), edit_message_id: 'u1', attachments: [kept.path] };
      const refused = sender.run(body, () => {}, { userText: text, chips: [kept], edit: { messageId: 'u1', files: [kept] } });
      streams[i]!.fail(error);
      await expect(refused).resolves.toBe('refused');
      expect(chat.returnedDraft).toBeNull();
      expect(chat.returnedAttachments).toEqual([]);
      expect(chat.sendError).toBeNull();
      expect(chat.messages).toEqual([]);
      expect(chat.returnedEdit).toMatchObject({ messageId: 'u1', text, files: [kept], refusal: { resend } });
      expect(chat.returnedEdit?.refusal.message).toMatch(/^.+[.!?] Your edit was not sent\.$/);
      expect(chat.returnedEdit?.refusal.againAfterMs).toBe(wait);
    }
    expect(chat.returnedEdit?.refusal.message).toContain('Busy.');
    // The next send starts clean.
    const next = sender.run(turn('Later'), () => {}, { userText: 'Later' });
    expect(chat.returnedEdit).toBeNull();
    streams.at(-1)!.fail(new ApiError(503, 'x', 'Down.'));
    await next;
    expect(discarded).toEqual([]);
  });

  it('an edit refused because an answer is being written follows that answer and goes back to its Edit box', async () => {
    const { chat, sender } = setUp();
    const running = { id: 'a9', session_id: 's1', sender: 'assistant', content: '', status: 'streaming', error: null, provider: 'demo', model: 'demo-model', token_count: null, created_at: '' } as const;
    chat.catchUp = async () => void (chat.messages = [{ ...running }]);
    const edit = sender.run({ ...turn('Changed'), edit_message_id: 'u1' }, () => {}, { userText: 'Changed', edit: { messageId: 'u1' } });
    streams[0]!.fail(new ApiError(409, 'turn_running', 'Busy.', { running_message_id: 'a9' }));
    await edit;
    expect(chat.returnedDraft).toBeNull();
    expect(chat.messages.map((m) => m.id)).toEqual(['a9']);
    expect(chat.returnedEdit).toMatchObject({ messageId: 'u1', text: 'Changed', refusal: { resend: false } });
    expect(chat.returnedEdit?.refusal.message).toContain('once the answer ends');
  });
});
