import { describe, expect, it } from 'vitest';
import { waitedSeconds, waitingForFirstChunk, waitingText } from './waiting-label';

describe('waiting for the provider', () => {
  it('names the provider, or says "the provider" when it is not known', () => {
    expect(waitingText('Custom (OpenAI-compatible)')).toBe('Waiting for Custom (OpenAI-compatible)…');
    expect(waitingText(null)).toBe('Waiting for the provider…');
  });

  it('shows the seconds waited only after the first few', () => {
    const start = '2026-12-06T10:00:00.000Z';
    const at = (ms: number) => Date.parse(start) + ms;
    expect(waitedSeconds(start, at(0))).toBeNull();
    expect(waitedSeconds(start, at(4_999))).toBeNull();
    expect(waitedSeconds(start, at(5_000))).toBe(5);
    expect(waitedSeconds(start, at(42_700))).toBe(42);
    // A device clock behind the server's never shows a negative wait.
    expect(waitedSeconds(start, at(-30_000))).toBeNull();
    expect(waitedSeconds('not a date', at(10_000))).toBeNull();
  });

  it('waits until the first text or reasoning arrives', () => {
    expect(waitingForFirstChunk({ status: 'streaming', content: '', reasoning: null })).toBe(true);
    expect(waitingForFirstChunk({ status: 'streaming', content: '', reasoning: 'Let me see' })).toBe(false);
    expect(waitingForFirstChunk({ status: 'streaming', content: 'Hi', reasoning: '' })).toBe(false);
    expect(waitingForFirstChunk({ status: 'error', content: '', reasoning: '' })).toBe(false);
  });
});
