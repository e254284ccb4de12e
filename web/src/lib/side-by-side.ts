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

// Myers' diff takes time in proportion to the text times the lines that changed: two versions
// of a 100,000-character template that share no line took minutes, while the server rendered
// the page (a shared link to a public prompt's diff would stall the web app for everyone).
// Past this many changed lines the versions are shown whole: one removed, the other added.
export const MAX_CHANGED_LINES = 1000;

/** The line changes from `before` to `after`, or (too many to work out) all of one for the other. */
function lineChanges(before: string, after: string): { value: string; added?: boolean; removed?: boolean }[] {
  return diffLines(before, after, { maxEditLength: MAX_CHANGED_LINES }) ?? [{ value: before, removed: true }, { value: after, added: true }];
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

  for (const change of lineChanges(before, after)) {
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
