// What a test waits for before it uses a chat turn's ids (see onceStored).

/**
 * `until`, once the turn's rows are committed too: a new chat's view starts before them (its
 * `meta` says `stored: false` and a `stored` event follows), and its ids are usable from then.
 *
 *   await readSse(res, onceStored((e) => e.event === 'delta'));
 */
export function onceStored<E extends { event: string; data: unknown }>(until: (event: E) => boolean): (event: E) => boolean {
  let stored = false;
  let matched = false;
  return (event) => {
    const data = event.data as { stored?: unknown } | null;
    if (event.event === 'stored' || (event.event === 'meta' && data?.stored !== false)) stored = true;
    if (until(event)) matched = true;
    return stored && matched;
  };
}
