// Turns a line diff (the `diff` package) into aligned rows for a two-column view:
// removed lines sit on the left opposite the lines that replaced them on the right.
import { diffLines } from 'diff';

export interface Cell {
  line: number;
  text: string;
  kind: 'same' | 'removed' | 'added';
}

export interface Row {
  left: Cell | null;
  right: Cell | null;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function sideBySide(before: string, after: string): Row[] {
  const rows: Row[] = [];
  let leftLine = 1;
  let rightLine = 1;
  let removed: Cell[] = [];

  const flushRemoved = () => {
    for (const cell of removed) rows.push({ left: cell, right: null });
    removed = [];
  };

  for (const change of diffLines(before, after)) {
    const lines = splitLines(change.value);
    if (change.removed) {
      flushRemoved();
      removed = lines.map((text) => ({ line: leftLine++, text, kind: 'removed' as const }));
    } else if (change.added) {
      const added = lines.map((text) => ({ line: rightLine++, text, kind: 'added' as const }));
      const count = Math.max(removed.length, added.length);
      for (let i = 0; i < count; i++) rows.push({ left: removed[i] ?? null, right: added[i] ?? null });
      removed = [];
    } else {
      flushRemoved();
      for (const text of lines) {
        rows.push({ left: { line: leftLine++, text, kind: 'same' }, right: { line: rightLine++, text, kind: 'same' } });
      }
    }
  }
  flushRemoved();
  return rows;
}
