import { describe, expect, it } from 'vitest';
import {
  atBottom, distanceToBottom, keyGoesUp, resumeFollowing, scrolled, shouldPin, showJump, startFollow, stopFollowing, touchGoesUp, wentUp, wheelGoesUp,
  type Follow, type ScrollBox,
} from './scroll-follow';

const box = (scrollTop: number, scrollHeight: number, clientHeight = 500): ScrollBox => ({ scrollTop, scrollHeight, clientHeight });
const key = (k: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
  ({ key: k, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });

describe('following a streaming answer', () => {
  it('measures the distance to the bottom, fractional positions at the bottom counting as at it', () => {
    expect(distanceToBottom(box(500, 1000))).toBe(0);
    expect(distanceToBottom(box(400, 1000))).toBe(100);
    expect(distanceToBottom(box(520, 1000))).toBe(0); // an overscroll bounce
    expect(atBottom(box(499.4, 1000))).toBe(true);
    expect(atBottom(box(490, 1000))).toBe(false);
  });

  it('a list that grew under a following reader, by any amount, is pinned again, and shows no "Jump to latest" (QA 7 #1)', () => {
    let state = scrolled(startFollow(true), box(500, 1000), true);
    // KaTeX's re-render added 98 px, no scroll event: still following.
    expect(shouldPin(state, true)).toBe(true);
    expect(showJump(state, box(500, 1098))).toBe(false);
    // A scroll event from a render landing between the pin and the event: the list moved down, not up.
    state = scrolled(state, box(598, 2400), true);
    expect(state.following).toBe(true);
    expect(shouldPin(state, true)).toBe(true);
  });

  it('the reader going up stops following; their list grows below them with "Jump to latest"', () => {
    const following = scrolled(startFollow(true), box(1500, 2000), true);
    for (const up of [stopFollowing(following), scrolled(following, box(1200, 2000), true)]) {
      expect(up.following).toBe(false);
      expect(shouldPin(up, true)).toBe(false);
      expect(showJump(up, box(1200, 2600))).toBe(true);
      // Barely off the bottom: no button over the last lines.
      expect(showJump(up, box(1460, 2000))).toBe(false);
    }
    // A rounding wobble of the position is not the reader.
    expect(scrolled(following, box(1499.5, 2000), true).following).toBe(true);
  });

  it('going up with nothing to scroll (a chat shorter than the screen) leaves it following', () => {
    const following = startFollow(true);
    expect(wentUp(following, box(0, 400)).following).toBe(true);
    expect(wentUp(following, box(300, 1000)).following).toBe(false);
  });

  it('reaching the bottom follows again; scrolling down short of it does not', () => {
    const up = scrolled(scrolled(startFollow(true), box(1500, 2000), true), box(800, 2000), true);
    const down = scrolled(up, box(1200, 2000), true);
    expect(down.following).toBe(false);
    const back = scrolled(down, box(1500, 2000), true);
    expect(back.following).toBe(true);
    expect(showJump(back, box(1500, 2000))).toBe(false);
  });

  it('content that shrank under a following list (clamped at the bottom) keeps following', () => {
    const following = scrolled(startFollow(true), box(1500, 2000), true);
    expect(scrolled(following, box(1300, 1800), true).following).toBe(true);
  });

  it('content that shrank and grew again before the scroll event (clamped above the new bottom) keeps following, to be pinned', () => {
    // The finished answer's last render took 200 px away (clamped to 1300), the next added 50:
    // the event finds the list 50 px above its bottom, moved up — by the browser, not the reader.
    const following = scrolled(startFollow(true), box(1500, 2000), true);
    const moved = scrolled(following, box(1300, 1850), true);
    expect(moved.following).toBe(true);
    expect(shouldPin(moved, true)).toBe(true);
    // The message box growing back (the list's own height shrinking) moves it by its own size too.
    expect(scrolled(following, box(1400, 2000, 600), true).following).toBe(true);
    // The reader then going up with nothing changing size is theirs.
    expect(scrolled(moved, box(1000, 1850), true).following).toBe(false);
  });

  it('a window further back is never followed: its bottom reads the next page, the last one too (send-and-find journeys)', () => {
    let state = startFollow(false);
    expect(state.following).toBe(false);
    state = scrolled(state, box(1500, 2000), false); // at the window's bottom
    expect(state.following).toBe(false);
    // The last page came below (the window is gone): not skipped past to the bottom.
    expect(shouldPin(state, true)).toBe(false);
    expect(showJump(state, box(1500, 2900))).toBe(true);
    // The reader scrolls on to the real bottom: following from there.
    expect(scrolled(state, box(2400, 2900), true).following).toBe(true);
    // Following, but reading a page (canFollow false): not pinned meanwhile.
    expect(shouldPin(resumeFollowing(state, false), false)).toBe(false);
  });

  it('"Jump to latest" follows on its smooth way down; going up on the way ends it', () => {
    const up: Follow = { following: false, jumping: false, lastTop: 200, lastRoom: 2500 };
    let jump = resumeFollowing(up, true);
    expect(jump).toMatchObject({ following: true, jumping: true });
    expect(showJump(jump, box(200, 3000))).toBe(false);
    jump = scrolled(jump, box(900, 3000), true);
    expect(jump).toMatchObject({ following: true, jumping: true });
    expect(scrolled(jump, box(700, 3000), true)).toMatchObject({ following: false, jumping: false });
    expect(scrolled(jump, box(2500, 3000), true)).toMatchObject({ following: true, jumping: false });
  });

  it('the reader going up: wheel up, a finger dragging down, the keys that scroll up where they scroll the list', () => {
    expect(wheelGoesUp({ deltaY: -100, ctrlKey: false })).toBe(true);
    expect(wheelGoesUp({ deltaY: 100, ctrlKey: false })).toBe(false);
    expect(wheelGoesUp({ deltaY: -100, ctrlKey: true })).toBe(false); // pinch / Ctrl+wheel zoom
    expect(touchGoesUp(300, 340)).toBe(true);
    expect(touchGoesUp(300, 302)).toBe(false); // a tap
    expect(touchGoesUp(300, 200)).toBe(false);
    for (const k of [key('PageUp'), key('ArrowUp'), key('Home'), key(' ', { shiftKey: true }), key('Home', { ctrlKey: true })]) expect(keyGoesUp(k, false)).toBe(true);
    for (const k of [key('PageDown'), key('ArrowDown'), key('End'), key(' '), key('ArrowUp', { altKey: true }), key('k', { ctrlKey: true })]) expect(keyGoesUp(k, false)).toBe(false);
    expect(keyGoesUp(key('ArrowUp'), true)).toBe(false); // in the message box: the caret moves
  });
});
