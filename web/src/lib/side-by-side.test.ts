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
});
