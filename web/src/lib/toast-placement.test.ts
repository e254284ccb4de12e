import { describe, expect, it } from 'vitest';
import { clearBottom, type Box } from './toast-placement.ts';

const column = { left: 880, right: 1264 };
const box = (top: number, bottom: number, left = 900, right = 1050): Box => ({ top, bottom, left, right });

describe('clearBottom', () => {
  it('keeps the corner when nothing in the column is under the stack', () => {
    expect(clearBottom(column, 40, 16, 800, [])).toBe(16);
    expect(clearBottom(column, 40, 16, 800, [box(750, 790, 200, 300)])).toBe(16); // another column
  });

  it('rises just above a control it would cover, and past the next one that is then in the way', () => {
    // "Delete project…" at 736–772: the stack ends 8 px above it.
    expect(clearBottom(column, 40, 16, 800, [box(736, 772)])).toBe(800 - 736 + 8);
    // A field right above it: past that too.
    expect(clearBottom(column, 40, 16, 800, [box(736, 772), box(680, 720)])).toBe(800 - 680 + 8);
    // A field with room between: the stack fits in the gap.
    expect(clearBottom(column, 40, 16, 800, [box(736, 772), box(600, 640)])).toBe(800 - 736 + 8);
  });

  it('is null when no place in the window is clear', () => {
    expect(clearBottom(column, 40, 16, 800, [box(0, 800)])).toBeNull();
    expect(clearBottom(column, 40, 16, 100, [box(60, 90), box(10, 50)])).toBeNull();
  });
});
