// The merge rules that keep a chat view moving forward whatever order an answer's copies
// arrive in (stream, Realtime, page reads). The flaky e2e of issue 9 was a stale page read
// landing after the stream's `done` and putting the answer back to `streaming` for good.
import { describe, expect, it } from 'vitest';
import type { Message } from '../api/index.ts';
import { applyDelta, finish, mergeRow } from './answer-merge.ts';

const row = (over: Partial<Message> = {}): Message => ({
  id: 'a1', session_id: 's1', sender: 'assistant', content: '', status: 'streaming', error: null,
  provider: 'demo', model: 'demo-model', token_count: null, created_at: '2026-11-30T00:00:00Z', ...over,
});

describe('mergeRow', () => {
  it('never moves a finished answer back to streaming (a page read from before the end)', () => {
    const local = row({ content: 'opening line', status: 'complete', latency_ms: 120 });
    expect(mergeRow(local, row({ content: 'opening', status: 'streaming' }))).toBeNull();
    expect(mergeRow(local, row({ content: 'opening', status: 'streaming' }), true)).toBeNull();
  });

  it('takes a finished row whole, even while this tab streams the answer, and keeps measured latency', () => {
    const local = row({ content: 'open', latency_ms: 99 });
    const merged = mergeRow(local, row({ content: 'opening line', status: 'complete', token_count: 7 }), true);
    expect(merged).toMatchObject({ content: 'opening line', status: 'complete', token_count: 7, latency_ms: 99 });
  });

  it('replaces streamed text only with a copy that is further along', () => {
    const local = row({ content: 'Here is a', seq: 3 });
    expect(mergeRow(local, row({ content: 'Here is a short', seq: 4 }))?.content).toBe('Here is a short');
    expect(mergeRow(local, row({ content: 'Here', seq: 1 }))?.content).toBe('Here is a');
    // Without seq: a checkpoint is a prefix of the answer, so the longer text is newer …
    expect(mergeRow(row({ content: 'Here' }), row({ content: 'Here is' }))?.content).toBe('Here is');
    expect(mergeRow(row({ content: 'Here is' }), row({ content: 'Here' }))?.content).toBe('Here is');
    // … unless this tab applies the deltas itself: the checkpoint cannot be lined up with them.
    expect(mergeRow(row({ content: 'Here' }), row({ content: 'Here is' }), true)?.content).toBe('Here');
    expect(mergeRow(row({ content: 'Here', seq: 1 }), row({ content: 'Here is' }))?.content).toBe('Here');
  });
});

describe('applyDelta', () => {
  it('applies each seq once, in order, and reports gaps', () => {
    const message = row({ seq: 0 });
    expect(applyDelta(message, { seq: 1, text: 'Hel' })).toBe('applied');
    expect(applyDelta(message, { seq: 1, text: 'Hel' })).toBe('duplicate');
    expect(applyDelta(message, { seq: 3, text: 'world' })).toBe('gap');
    expect(applyDelta(message, { seq: 2, text: 'lo' })).toBe('applied');
    expect(message).toMatchObject({ content: 'Hello', seq: 2 });
  });

  it('ignores deltas once the answer is finished', () => {
    const message = row({ content: 'done', status: 'stopped' });
    expect(applyDelta(message, { seq: 9, text: ' more' })).toBe('finished');
    finish(message, 'complete');
    expect(message).toMatchObject({ content: 'done', status: 'stopped' });
  });
});
