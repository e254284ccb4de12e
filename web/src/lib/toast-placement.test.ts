import { describe, expect, it } from 'vitest';
import { clearBottom, settledBottom, type Box } from './toast-placement.ts';

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

describe('settledBottom (placed again as the page scrolls)', () => {
  // A stack 40 tall in a window 800 tall, its corner 16 px up: it covers 744–784.
  const place = (previous: number | null, obstacles: Box[]) => settledBottom(previous, column, 40, 16, 800, obstacles);

  it('is clearBottom the first time, and rises at once when a control scrolls under the stack', () => {
    expect(place(null, [])).toBe(16);
    expect(place(null, [box(736, 772)])).toBe(800 - 736 + 8);
    // At its corner, a button slides up under it: just above the button, in the same frame.
    expect(place(16, [box(760, 796)])).toBe(800 - 760 + 8);
    expect(place(16, [box(740, 776)])).toBe(800 - 740 + 8);
    // Above a button that keeps coming up into it (and still into the corner): up again.
    expect(place(800 - 740 + 8, [box(720, 756)])).toBe(800 - 720 + 8);
  });

  it('does not drop back to the corner while what it rose past hovers at the corner\'s edge', () => {
    // It rose past a button at 760–796, which then goes up and down by a few pixels (a slow
    // scroll back and forth, a bounce at the end of a list).
    let at = place(16, [box(760, 796)]);
    expect(at).toBe(800 - 760 + 8);
    for (const top of [776, 786, 776, 790, 770, 786, 780]) {
      const obstacles = [box(top, top + 36)];
      const before = at;
      at = place(at, obstacles);
      // clearBottom alone flips between the corner and above the button: a jump every frame.
      if (top >= 784) expect(clearBottom(column, 40, 16, 800, obstacles)).toBe(16);
      // It only ever eases down (48, 48, 46, 46, 42…), never back to the corner and up again.
      expect(at, `button at ${top}`).toBeGreaterThanOrEqual(40);
      expect(at, `button at ${top}`).toBeLessThanOrEqual(before);
      expect(clearBottom(column, 40, at, 800, obstacles)).toBe(at); // and covers it never
    }
    // Once it is the margin (24) past the corner, down for good.
    at = place(at, [box(808, 844)]);
    expect(at).toBe(16);
    expect(place(at, [box(790, 826)])).toBe(16);
  });

  it('follows a control down once it has moved the margin away, and goes straight back to the corner when nothing is near', () => {
    const above = 800 - 600 + 8; // above a field at 600–640 that has since scrolled down to 700–736
    // The corner is clear (clearBottom: 16), but the field is within the margin of it: down to
    // the margin above it, no further.
    expect(clearBottom(column, 40, 16, 800, [box(700, 736)])).toBe(16);
    expect(place(above, [box(700, 736)])).toBe(800 - (700 - 24) + 8);
    expect(place(above, [])).toBe(16);
    expect(place(above, [box(100, 140)])).toBe(16);
    // A control in another column never holds it up.
    expect(place(above, [box(700, 800, 200, 300)])).toBe(16);
  });

  it('stays clear of every control, and in the window: where it was is given up when it no longer fits', () => {
    const cases: [number, Box[]][] = [[48, [box(760, 796)]], [48, [box(700, 780)]], [120, [box(660, 700), box(740, 780)]], [300, [box(440, 520)]]];
    for (const [previous, obstacles] of cases) {
      const at = place(previous, obstacles);
      expect(clearBottom(column, 40, at, 800, obstacles), `from ${previous}`).toBe(at);
    }
    // The window got shorter than where it was: back to the lowest clear place.
    expect(settledBottom(700, column, 40, 16, 600, [])).toBe(16);
    // Nowhere clear: the corner.
    expect(place(48, [box(0, 800)])).toBe(16);
  });
});
