// Which chats the sidebar's Select mode has picked: a click toggles one, Shift+click picks every
// chat shown between the last one clicked and this one (as in a file manager). Pure: the
// sidebar keeps the set in its state.

/** `selected` with `id` toggled. */
export function toggled(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (!next.delete(id)) next.add(id);
  return next;
}

/**
 * `selected` plus every id in `order` (the chats as shown, top to bottom) from `anchor` to `id`,
 * either way; just `id` toggled when the anchor is not shown (none yet, or it left the list).
 */
export function withRange(selected: ReadonlySet<string>, order: readonly string[], anchor: string | null, id: string): Set<string> {
  const [from, to] = [anchor === null ? -1 : order.indexOf(anchor), order.indexOf(id)];
  if (from === -1 || to === -1) return toggled(selected, id);
  const next = new Set(selected);
  for (const picked of order.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(picked);
  return next;
}

/** The picked chats still shown (others were deleted, archived or left, here or elsewhere). */
export function stillShown(selected: ReadonlySet<string>, shown: readonly string[]): Set<string> {
  const present = new Set(shown);
  return new Set([...selected].filter((id) => present.has(id)));
}
