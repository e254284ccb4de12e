import { describe, expect, it } from 'vitest';
import { enterSends } from './enter-sends.ts';

const enter = (mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; isComposing: boolean }> = {}) =>
  ({ key: 'Enter', ctrlKey: false, metaKey: false, shiftKey: false, isComposing: false, ...mods });

describe('enterSends', () => {
  it('with a keyboard, Enter sends and Shift+Enter adds a line', () => {
    expect(enterSends(enter(), false)).toBe(true);
    expect(enterSends(enter({ shiftKey: true }), false)).toBe(false);
  });

  it('on a touch screen Enter adds a line; Ctrl/⌘+Enter sends everywhere', () => {
    expect(enterSends(enter(), true)).toBe(false);
    for (const touch of [true, false]) {
      expect(enterSends(enter({ ctrlKey: true }), touch)).toBe(true);
      expect(enterSends(enter({ metaKey: true, shiftKey: true }), touch)).toBe(true);
    }
  });

  it('an input method choosing characters keeps its Enter, and other keys never send', () => {
    expect(enterSends(enter({ isComposing: true }), false)).toBe(false);
    expect(enterSends(enter({ ctrlKey: true, isComposing: true }), false)).toBe(false);
    expect(enterSends({ ...enter(), key: 'a' }, false)).toBe(false);
  });
});
