// One running answer fed by two views at once (its SSE stream and the session's broadcast):
// every unit lands once, a missed unit asks for a re-attach, and the end is kept.
import { describe, expect, it } from 'vitest';
import type { Message } from '../api/index.ts';
import { TurnEvents } from './turn-events.ts';
import { answerTokens } from './answer-tokens.ts';
import { onCallEnded } from './call-ends.ts';

function answer(over: Partial<Message> = {}): Message {
  return {
    id: 'a1', session_id: 's1', sender: 'assistant', content: '', status: 'streaming', error: null,
    provider: 'demo', model: 'demo-model', token_count: null, created_at: '2026-11-30T00:00:00Z', seq: 0, ...over,
  };
}

describe('TurnEvents', () => {
  it('applies each unit once whichever view brings it first, and asks to re-attach on a gap', () => {
    const message = answer();
    const gaps: string[] = [];
    const events = new TurnEvents((id) => (id === message.id ? message : undefined), (id) => gaps.push(id));
    const sse = events.for(() => 'a1');
    const broadcast = events.for(() => 'a1');
    sse.delta({ seq: 1, text: 'Here' });
    broadcast.delta({ seq: 1, text: 'Here' });
    broadcast.delta({ seq: 2, text: ' is' });
    sse.delta({ seq: 2, text: ' is' });
    expect(message).toMatchObject({ content: 'Here is', seq: 2 });
    broadcast.delta({ seq: 4, text: ' lost?' });
    expect(gaps).toEqual(['a1']);
    expect(message.content).toBe('Here is');
  });

  it('keeps an answer open when the broadcast end comes before units this copy lacks, and ends it with its own stream', () => {
    // The asker's tab: the broadcast's first unit came before the answer had its id here, so the
    // second was a gap; the end overtakes the asker's own stream, which then brings the rest.
    const message = answer();
    const gaps: string[] = [];
    const events = new TurnEvents(() => message, (id) => gaps.push(id));
    const sse = events.for(() => 'a1');
    const broadcast = events.for(() => 'a1');
    broadcast.delta({ seq: 2, text: ' received the file.' });
    sse.delta({ seq: 1, text: 'I' });
    broadcast.done({ status: 'complete', seq: 2 });
    expect(message).toMatchObject({ status: 'streaming', content: 'I' });
    expect(gaps).toEqual(['a1', 'a1']);
    sse.delta({ seq: 2, text: ' received the file.' });
    sse.done({ status: 'complete' });
    expect(message).toMatchObject({ status: 'complete', content: 'I received the file.' });
    // A copy that holds every unit ends at the broadcast's end.
    const other = answer({ id: 'a2', content: 'Done', seq: 1 });
    new TurnEvents(() => other, () => {}).for(() => 'a2').done({ status: 'complete', seq: 1 });
    expect(other.status).toBe('complete');
  });

  it('keeps reasoning apart, times it until the answer starts, and ends with the server status and code', () => {
    const message = answer();
    const events = new TurnEvents(() => message, () => {});
    const view = events.for(() => 'a1');
    view.reasoning({ seq: 1, text: 'Let me think' });
    view.delta({ seq: 2, text: 'Answer' });
    expect(message).toMatchObject({ reasoning: 'Let me think', content: 'Answer' });
    expect(message.reasoning_ms).toBeGreaterThanOrEqual(0);
    view.done({ status: 'stopped', code: 'wall_clock_limit' });
    view.done({ status: 'complete' }); // a second view's late `done` changes nothing
    expect(message).toMatchObject({ status: 'stopped', error_code: 'wall_clock_limit' });
    view.delta({ seq: 3, text: ' more' });
    expect(message.content).toBe('Answer');
  });

  it('shows why a failed answer failed whichever view ends it first', () => {
    // The session's broadcast ends it before the asker's own stream says why: its `done` carries the reason.
    const first = answer();
    const events = new TurnEvents(() => first, () => {});
    events.for(() => 'a1').done({ status: 'error', code: 'provider_error', error: { code: 'provider_error', message: 'The provider had a server error (500).' } });
    expect(first).toMatchObject({ status: 'error', error: 'The provider had a server error (500).', error_code: 'provider_error' });
    events.for(() => 'a1').error({ code: 'provider_error', message: 'The provider had a server error (500).' });
    expect(first.error).toBe('The provider had a server error (500).');
    // A `done` without the reason: the stream's `error` still brings it, once.
    const second = answer();
    const views = new TurnEvents(() => second, () => {});
    views.for(() => 'a1').done({ status: 'error', code: 'provider_error' });
    expect(second).toMatchObject({ status: 'error', error: null });
    views.for(() => 'a1').error({ code: 'provider_error', message: 'The provider had a server error (500).' });
    expect(second).toMatchObject({ status: 'error', error: 'The provider had a server error (500).', error_code: 'provider_error' });
    views.for(() => 'a1').error({ code: 'other', message: 'A later error changes nothing' });
    expect(second.error).toBe('The provider had a server error (500).');
    // A stopped answer keeps its status: a late `error` does not turn it into a failure.
    const stopped = answer();
    const more = new TurnEvents(() => stopped, () => {});
    more.for(() => 'a1').done({ status: 'stopped', code: 'stopped_by_user' });
    more.for(() => 'a1').error({ code: 'x', message: 'y' });
    expect(stopped).toMatchObject({ status: 'stopped', error: null });
  });

  it('ignores events for answers this tab does not show', () => {
    const events = new TurnEvents(() => undefined, () => {
      throw new Error('no gap for an unknown answer');
    });
    expect(() => events.for(() => 'other').delta({ seq: 5, text: 'x' })).not.toThrow();
  });

  it('keeps the usage event\'s counts as the stored row has them: token_count is the answer\'s own tokens, never the total', () => {
    // finish_turn stores token_count = completion_tokens (the total is prompt + completion on
    // the usage log); the footer read 149 tokens live and 3 after a reload (QA 3 #3).
    const message = answer();
    const view = new TurnEvents(() => message, () => {}).for(() => 'a1');
    view.usage({ prompt_tokens: 146, completion_tokens: 3, total_tokens: 149 });
    expect(message).toMatchObject({ prompt_tokens: 146, completion_tokens: 3, token_count: 3 });
    const stored = answer({ status: 'complete', prompt_tokens: 146, completion_tokens: 3, token_count: 3 });
    expect(answerTokens(message)).toEqual(answerTokens(stored));
    expect(answerTokens(message)?.text).toBe('149 tokens (146 in, 3 out)');
  });

  it('says an answer ended once, when it ends here, so the budget banner can follow the spend (QA 6 #5)', () => {
    let ended = 0;
    const stop = onCallEnded(() => ended++);
    try {
      const message = answer();
      const events = new TurnEvents(() => message, () => {});
      const sse = events.for(() => 'a1');
      const broadcast = events.for(() => 'a1');
      sse.delta({ seq: 1, text: 'Hi' });
      // An end this copy does not fully hold yet is not the end here.
      broadcast.done({ status: 'complete', seq: 2 });
      expect(ended).toBe(0);
      sse.delta({ seq: 2, text: '!' });
      sse.done({ status: 'complete', seq: 2 });
      broadcast.done({ status: 'complete', seq: 2 });
      expect(ended).toBe(1);
      // A failure without a `done` ends it too.
      const failed = answer({ id: 'a2' });
      new TurnEvents(() => failed, () => {}).for(() => 'a2').error({ code: 'provider_error', message: 'down' });
      expect(ended).toBe(2);
      // An answer a read of its row ended first (the new chat's page load overtook the event):
      // its `done` still says the call ended, once (a CI run's banner never came).
      const read = answer({ id: 'a3', status: 'complete', content: 'Read whole' });
      const late = new TurnEvents(() => read, () => {});
      late.for(() => 'a3').done({ status: 'complete', seq: 1 });
      late.for(() => 'a3').done({ status: 'complete', seq: 1 });
      expect(ended).toBe(3);
    } finally {
      stop();
    }
  });
});
