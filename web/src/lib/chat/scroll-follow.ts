/**
 * Whether the message list follows a streaming answer, decided by what the reader does, not by
 * how far the list happens to be from its bottom when new text lands (QA 7 #1: one render that
 * added more than the old 80 px — KaTeX's re-render at the first formula, a code block's header,
 * a table arriving whole — left the list "off the bottom" with nobody having scrolled, and it
 * never followed again, with no "Jump to latest").
 *
 * - Following starts on (a chat opens at its newest messages) and is turned off only by the
 *   reader going up: a wheel turned up, a finger dragging the list down, PageUp/ArrowUp/Home, or
 *   a scroll event that moved the list up off its bottom (a scrollbar dragged, anything else).
 * - Reaching the bottom turns it back on, as does "Jump to latest" or sending a message.
 * - A window further back (a search hit's, `canFollow` false) is never followed: reaching its
 *   bottom reads the next page below instead, the last one too (tests/e2e/send-and-find.test.ts).
 * - While following, every change of size (new text, a late render, a narrower window) puts the
 *   list back at its bottom (lib/chat/scroll-follow.svelte.ts).
 *
 * As ChatGPT, Open WebUI and LibreChat do. Pure: lib/chat/scroll-follow.svelte.ts applies it.
 */

export interface ScrollBox {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Pixels from the bottom still counted as at it (scroll positions are fractional on zoomed screens). */
export const AT_BOTTOM = 2;
/** Off the bottom by more than this (and not following), "Jump to latest" shows. */
export const JUMP_AFTER = 80;

export const distanceToBottom = (box: ScrollBox): number => Math.max(0, box.scrollHeight - box.scrollTop - box.clientHeight);
export const atBottom = (box: ScrollBox): boolean => distanceToBottom(box) < AT_BOTTOM;

export interface Follow {
  /** New text and late renders keep the list at its bottom. */
  following: boolean;
  /** "Jump to latest"'s smooth scroll is on its way down (new text meanwhile moves its target). */
  jumping: boolean;
  /** scrollTop at the last scroll event: a scroll event that moved up is the reader's… */
  lastTop: number;
  /** …when the list's room to scroll (scrollHeight − clientHeight) is what it was then. */
  lastRoom: number;
}

export const startFollow = (canFollow: boolean): Follow => ({ following: canFollow, jumping: false, lastTop: 0, lastRoom: 0 });

const roomOf = (box: ScrollBox): number => box.scrollHeight - box.clientHeight;

/** The reader went up (wheel, touch, keys), or landed on a message further back: stay where they are. */
export const stopFollowing = (state: Follow): Follow => ({ ...state, following: false, jumping: false });

/**
 * The wheel, a finger or a key going up: the list stops following before its scroll event comes
 * — unless it is at its top (a chat shorter than the screen, nothing to scroll): then it went
 * nowhere, and the answer that will outgrow the screen is followed.
 */
export const wentUp = (state: Follow, box: ScrollBox): Follow => (box.scrollTop >= 1 ? stopFollowing(state) : state);

/** "Jump to latest" (smooth) or a send (at once): back to the bottom, following. */
export const resumeFollowing = (state: Follow, smooth: boolean): Follow => ({ ...state, following: true, jumping: smooth });

/**
 * A scroll event: at the bottom, following (where allowed); moved up off it by the reader, not.
 * Up by more than rounding with the list's room to scroll unchanged is the reader's (the list
 * only ever moves itself down). A list whose content or box changed size since the last event
 * was moved by the browser: content that shrank clamps it, and content that grew again before
 * the event leaves it above its new bottom (a finished answer's last render, the message box
 * growing back) — still following, it is pinned again (lib/chat/scroll-follow.svelte.ts).
 */
export function scrolled(state: Follow, box: ScrollBox, canFollow: boolean): Follow {
  const lastTop = box.scrollTop;
  const lastRoom = roomOf(box);
  if (atBottom(box)) return { following: canFollow, jumping: false, lastTop, lastRoom };
  if (box.scrollTop < state.lastTop - 1 && Math.abs(lastRoom - state.lastRoom) < 1) return { following: false, jumping: false, lastTop, lastRoom };
  return { ...state, lastTop, lastRoom };
}

/** After a change of size: whether to put the list at its bottom. */
export const shouldPin = (state: Follow, canFollow: boolean): boolean => state.following && canFollow;

/** "Jump to latest": off the bottom by more than JUMP_AFTER and not on the way down (following pins it next frame). */
export const showJump = (state: Follow, box: ScrollBox): boolean => !state.following && distanceToBottom(box) > JUMP_AFTER;

/** Keys that scroll a list up, pressed where they scroll it (not in a text field, a select, …). */
export function keyGoesUp(event: { key: string; shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }, inField: boolean): boolean {
  if (inField || event.altKey || event.metaKey) return false;
  if (event.ctrlKey) return event.key === 'Home';
  return event.key === 'PageUp' || event.key === 'ArrowUp' || event.key === 'Home' || (event.key === ' ' && event.shiftKey);
}

/** A wheel turned up (not a pinch or Ctrl+wheel zoom). */
export const wheelGoesUp = (event: { deltaY: number; ctrlKey: boolean }): boolean => event.deltaY < 0 && !event.ctrlKey;

/** A finger dragging the list down scrolls it up. */
export const touchGoesUp = (startY: number, nowY: number): boolean => nowY - startY > 4;
