// Where the toast stack may sit without covering what a person uses: it keeps its corner
// (bottom right; the whole width on a phone) and rises, in its own column, past every visible
// control there (a button, link, field) until it covers none — "Project saved." no longer
// hides "Delete project…" beside the Save that raised it. Measured when toasts appear, when the
// window or what toasts keep clear of changes, and as the page or a list in it scrolls (a
// control slid under a toast could not be pressed). While scrolling it moves with hysteresis
// (settledBottom): up at once when a control comes under it, down again only once the lower
// place is clear by a margin, so a control hovering at its edge does not make it jump back and
// forth on every frame.

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

/** Whether a stack `height` tall at `bottom` fits in the window and covers none of `obstacles` in `column`. */
function clearAt(column: { left: number; right: number }, height: number, bottom: number, viewportHeight: number, obstacles: Box[], gap: number): boolean {
  return clearBottom(column, height, bottom, viewportHeight, obstacles, gap) === bottom;
}

/**
 * Where the stack goes when it is placed again as the page scrolls, having been at `previous`
 * (null: not placed yet). Up at once to the lowest clear place (clearBottom from `from`) when
 * where it is covers a control or no longer fits; down only as far as it would still be clear
 * with every obstacle `margin` taller on both sides — so it stays put until what it rose past
 * has moved `margin` away, then follows it down to its corner. Where nothing is clear, `from`.
 */
export function settledBottom(
  previous: number | null,
  column: { left: number; right: number },
  height: number,
  from: number,
  viewportHeight: number,
  obstacles: Box[],
  { gap = 8, margin = 24 }: { gap?: number; margin?: number } = {},
): number {
  const lowest = clearBottom(column, height, from, viewportHeight, obstacles, gap);
  if (lowest === null) return from;
  if (previous === null || !clearAt(column, height, previous, viewportHeight, obstacles, gap)) return lowest;
  const wide = obstacles.map((box) => ({ ...box, top: box.top - margin, bottom: box.bottom + margin }));
  const roomy = clearBottom(column, height, from, viewportHeight, wide, gap) ?? previous;
  return Math.max(lowest, Math.min(previous, roomy));
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
