import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRenderPacer } from './render-pacer.ts';

describe('createRenderPacer', () => {
  afterEach(() => vi.useRealTimers());

  it('renders the first change at once, then a burst of changes once a frame, ending on the last', () => {
    vi.useFakeTimers();
    let source = '';
    const shown: string[] = [];
    const pacer = createRenderPacer(() => {
      shown.push(source);
      pacer.rendered(1);
    });
    source = 'a';
    pacer.changed();
    expect(shown).toEqual(['a']);
    // A chunk every 5 ms for 40 ms: rendered at 16 and 32 ms, and the last one at 48.
    for (const next of ['ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh', 'abcdefghi']) {
      vi.advanceTimersByTime(5);
      source = next;
      pacer.changed();
    }
    vi.advanceTimersByTime(100);
    expect(shown.length).toBeLessThanOrEqual(4);
    expect(shown.at(-1)).toBe('abcdefghi');
  });

  it('leaves twice a slow render\'s cost free before the next', () => {
    vi.useFakeTimers();
    let renders = 0;
    const pacer = createRenderPacer(() => {
      renders += 1;
      pacer.rendered(40); // a long answer: 40 ms per render
    });
    pacer.changed();
    pacer.changed();
    vi.advanceTimersByTime(79);
    expect(renders).toBe(1);
    vi.advanceTimersByTime(1);
    expect(renders).toBe(2);
  });

  it('renders nothing once stopped', () => {
    vi.useFakeTimers();
    let renders = 0;
    const pacer = createRenderPacer(() => {
      renders += 1;
      pacer.rendered(0);
    });
    pacer.changed();
    pacer.changed();
    pacer.stop();
    vi.advanceTimersByTime(100);
    expect(renders).toBe(1);
  });
});
