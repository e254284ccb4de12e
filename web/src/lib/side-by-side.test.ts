import { describe, expect, it } from 'vitest';
import { sideBySide } from './side-by-side.ts';

describe('sideBySide', () => {
  it('pairs a changed line with its replacement and keeps line numbers per side', () => {
    const rows = sideBySide('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(rows).toEqual([
      { left: { line: 1, text: 'a', kind: 'same' }, right: { line: 1, text: 'a', kind: 'same' } },
      { left: { line: 2, text: 'b', kind: 'removed' }, right: { line: 2, text: 'B', kind: 'added' } },
      { left: { line: 3, text: 'c', kind: 'same' }, right: { line: 3, text: 'c', kind: 'same' } },
      { left: null, right: { line: 4, text: 'd', kind: 'added' } },
    ]);
  });

  it('shows a pure deletion only on the left', () => {
    const rows = sideBySide('keep\ndrop\n', 'keep\n');
    expect(rows.at(-1)).toEqual({ left: { line: 2, text: 'drop', kind: 'removed' }, right: null });
  });

  it('gives identical texts no changes', () => {
    expect(sideBySide('x\ny', 'x\ny').every((r) => r.left?.kind === 'same')).toBe(true);
  });

  it('compares two 100,000-character versions that share no line in moments, showing them whole', () => {
    const lines = (prefix: string) => Array.from({ length: 16_000 }, (_, i) => `${prefix}${i}`).join('\n');
    const started = performance.now();
    const rows = sideBySide(lines('a'), lines('b'));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(rows).toHaveLength(16_000);
    expect(rows[0]).toEqual({ left: { line: 1, text: 'a0', kind: 'removed' }, right: { line: 1, text: 'b0', kind: 'added' } });
    expect(rows.at(-1)).toEqual({ left: { line: 16_000, text: 'a15999', kind: 'removed' }, right: { line: 16_000, text: 'b15999', kind: 'added' } });
    // Fewer changes are still worked out line by line.
    const few = sideBySide(lines('a'), lines('a').replace('a7\n', 'x7\n'));
    expect(few.filter((r) => r.left?.kind !== 'same')).toEqual([{ left: { line: 8, text: 'a7', kind: 'removed' }, right: { line: 8, text: 'x7', kind: 'added' } }]);
  }, 20_000);
});
