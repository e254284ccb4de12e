// How the conversation's scroller pages through a chat: older messages as the reader nears the
// top (the message they were looking at kept in place), newer ones below a window further back
// (a search hit's), and "Jump to latest".
import { tick } from 'svelte';
import type { ChatState } from '$lib/chat/chat-state.svelte';
import type { ScrollFollow } from '$lib/chat/scroll-follow.svelte';
import { focusAfterJump } from '$lib/chat/focus-after-jump';
import { leaveHit } from '$lib/chat/hit-address.svelte';

export function scrollPaging(chat: ChatState, follower: ScrollFollow, scroller: () => HTMLDivElement | undefined) {
  /** The next page below a window further back. It comes below the reader without a scroll
   * event: how far they are from the bottom is measured again (after the last page they are off
   * it, and "Jump to latest" stays until they get there). */
  async function loadNewer() {
    await chat.loadNewer().catch((err) => (chat.notice = `Could not load newer messages: ${err instanceof Error ? err.message : err}`));
    await tick();
    follower.measure();
  }

  async function jumpToLatest(event: MouseEvent) {
    if (!scroller()) return;
    leaveHit();
    // The keyboard goes on to the message box (lib/chat/focus-after-jump.ts); a tap on a touch
    // screen leaves it alone (no on-screen keyboard popping up).
    const button = event.currentTarget as HTMLElement;
    const keepKeyboard = document.activeElement === button && (button.matches(':focus-visible') || !matchMedia('(pointer: coarse)').matches);
    // A window further back: the newest messages replace it (the gap between is not read).
    if (chat.newerCursor) {
      await chat.reloadBranch().catch((err) => (chat.notice = `Could not load the latest messages: ${err instanceof Error ? err.message : err}`));
      await tick();
    }
    const box = scroller();
    if (!box) return;
    follower.jump();
    if (keepKeyboard) focusAfterJump(box);
  }

  async function onScroll() {
    const box = scroller();
    if (!box) return;
    if (box.scrollTop < 120 && chat.olderCursor && !chat.loadingOlder) {
      const before = box.scrollHeight;
      await chat.loadOlder();
      // Keep the message the reader was looking at in place.
      requestAnimationFrame(() => (box.scrollTop += box.scrollHeight - before));
    }
    // Near the end of a window further back: the next messages come below (nothing shifts).
    if (chat.newerCursor && !chat.loadingNewer && box.scrollHeight - box.scrollTop - box.clientHeight < 120) await loadNewer();
  }

  return { loadNewer, jumpToLatest, onScroll };
}
