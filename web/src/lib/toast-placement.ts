// Where the toast stack may sit without covering what a person uses: it keeps its corner
// (bottom right; the whole width on a phone) and rises, in its own column, past every visible
// control there (a button, link, field) until it covers none — "Project saved." no longer
// hides "Delete project…" beside the Save that raised it. Measured when toasts appear and when
// the window or what toasts keep clear of changes, not while scrolling: a toast that jumped
// as the page moved under it would be harder to read than one a scroll may slide under.

export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** What a person can click or type in. */
const CONTROLS = 'button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="link"], [role="tab"], [contenteditable="true"]';

/**
 * The least distance from the window's bottom edge, at least `from`, at which a stack
 * `height` tall covers none of `obstacles` (those in its column), with `gap` between them;
 * null when no such place is left in the window.
 */
export function clearBottom(column: { left: number; right: number }, height: number, from: number, viewportHeight: number, obstacles: Box[], gap = 8): number | null {
  const inColumn = obstacles.filter((box) => box.left < column.right && column.left < box.right && box.bottom > box.top);
  let bottom = from;
  // Each step clears at least one obstacle more, so it ends within as many steps as there are.
  for (let step = 0; step <= inColumn.length; step++) {
    const top = viewportHeight - bottom - height;
    if (top < 0) return null;
    const hits = inColumn.filter((box) => box.top < viewportHeight - bottom && box.bottom > top);
    if (hits.length === 0) return bottom;
    bottom = viewportHeight - Math.min(...hits.map((box) => box.top)) + gap;
  }
  return null;
}

/**
 * The controls on screen in `column` outside `region` (the toast stack itself) that a click
 * would reach: one clipped by its scrolling list or under a dialog is not in the way.
 */
export function visibleControls(column: { left: number; right: number }, region: HTMLElement): Box[] {
  const boxes: Box[] = [];
  for (const control of document.querySelectorAll<HTMLElement>(CONTROLS)) {
    if (region.contains(control)) continue;
    const box = control.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= column.left || box.left >= column.right) continue;
    if (box.bottom <= 0 || box.top >= innerHeight) continue;
    const x = Math.min(Math.max((box.left + box.right) / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max((box.top + box.bottom) / 2, 0), innerHeight - 1);
    const hit = document.elementsFromPoint(x, y).find((el) => !region.contains(el));
    if (hit && control.contains(hit)) boxes.push(box);
  }
  return boxes;
}
