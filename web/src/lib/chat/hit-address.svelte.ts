// The address names a search hit (?message=) only while the chat view is its window: once the
// view leaves it for the newest messages (Jump to latest, a send, paging down to the end), the
// hit is dropped from the address without a new history entry or a load (QA 5 #2: a reload, or
// a phone restoring the tab, went back thousands of messages to the old hit).
import { untrack } from 'svelte';
import { page } from '$app/state';
import { replaceState } from '$app/navigation';

/** Drops `?message=` from the address (no new history entry, no load). */
export function leaveHit(): void {
  if (!page.url.searchParams.has('message')) return;
  const url = new URL(page.url);
  url.searchParams.delete('message');
  replaceState(url, page.state);
}

/** Drops the hit once `inWindow` turns false (call during component set-up). */
export function dropHitOnLeavingWindow(inWindow: () => boolean): void {
  let was = untrack(inWindow);
  $effect(() => {
    const now = inWindow();
    if (was && !now) untrack(leaveHit);
    was = now;
  });
}
