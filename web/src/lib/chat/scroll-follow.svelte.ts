/**
 * The message list following a streaming answer (the rules: lib/chat/scroll-follow.ts). The
 * reader's intent comes from the wheel, touch, keys and scroll events; following, every change
 * of size of the list or its content puts it back at its bottom — a ResizeObserver, so renders
 * that are no new text (KaTeX's at the first formula, code blocks' headers, images loading, the
 * window or the message box changing height) are followed too, before they are painted
 * (resize observations are delivered after layout, before paint).
 */
import {
  atBottom, keyGoesUp, resumeFollowing, scrolled, shouldPin, showJump, startFollow, stopFollowing, touchGoesUp, wentUp, wheelGoesUp, type Follow,
} from './scroll-follow';

const inField = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select, [role="textbox"], [role="slider"], [role="listbox"]'));

export class ScrollFollow {
  /** Off the bottom by more than a little, and not following: "Jump to latest" shows. */
  offBottom = $state(false);
  #state: Follow;
  #scroller: HTMLElement | null = null;

  /** `canFollow`: false while the list is a window further back (a search hit's) or reading its next page. */
  constructor(private readonly canFollow: () => boolean) {
    this.#state = startFollow(canFollow());
  }

  /** Watches the scroller and its content (the message list); returns the clean-up. */
  attach(scroller: HTMLElement, content: HTMLElement): () => void {
    this.#scroller = scroller;
    const resized = new ResizeObserver(() => this.#pin());
    resized.observe(scroller);
    resized.observe(content);
    let touchY: number | null = null;
    const onScroll = () => {
      this.#state = scrolled(this.#state, scroller, this.canFollow());
      // Still following off the bottom (the browser moved the list, not the reader): back down.
      if (!this.#state.jumping && shouldPin(this.#state, this.canFollow()) && !atBottom(scroller)) this.#toBottom();
      else this.measure();
    };
    const onWheel = (event: WheelEvent) => wheelGoesUp(event) && this.#wentUp();
    const onTouchStart = (event: TouchEvent) => (touchY = event.touches[0]?.clientY ?? null);
    const onTouchMove = (event: TouchEvent) => {
      const y = event.touches[0]?.clientY;
      if (touchY !== null && y !== undefined && touchGoesUp(touchY, y)) this.#wentUp();
    };
    // Keys scroll the list when focus is in it, or on the page after a click on its text.
    const onKey = (event: KeyboardEvent) => {
      const target = event.target;
      const here = target === document.body || target === document.documentElement || (target instanceof Node && scroller.contains(target));
      if (here && keyGoesUp(event, inField(target))) this.#wentUp();
    };
    const passive = { passive: true };
    scroller.addEventListener('scroll', onScroll, passive);
    scroller.addEventListener('wheel', onWheel, passive);
    scroller.addEventListener('touchstart', onTouchStart, passive);
    scroller.addEventListener('touchmove', onTouchMove, passive);
    window.addEventListener('keydown', onKey);
    return () => {
      resized.disconnect();
      scroller.removeEventListener('scroll', onScroll);
      scroller.removeEventListener('wheel', onWheel);
      scroller.removeEventListener('touchstart', onTouchStart);
      scroller.removeEventListener('touchmove', onTouchMove);
      window.removeEventListener('keydown', onKey);
      this.#scroller = null;
    };
  }

  /** "Jump to latest": to the bottom (smoothly, unless the reader asked for less motion), following. */
  jump(): void {
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.#state = resumeFollowing(this.#state, smooth);
    this.#toBottom();
  }

  /** A message sent: its answer is followed from the bottom. */
  follow(): void {
    this.#state = resumeFollowing(this.#state, false);
    if (this.canFollow()) this.#toBottom();
  }

  /** Landed on a message further back (a search hit), or a window further back opened: stay there. */
  leave(): void {
    this.#state = stopFollowing(this.#state);
    this.measure();
  }

  /** Whether "Jump to latest" shows, measured again (content came below without a scroll event). */
  measure(): void {
    if (this.#scroller) this.offBottom = showJump(this.#state, this.#scroller);
  }

  #wentUp(): void {
    if (this.#scroller) this.#state = wentUp(this.#state, this.#scroller);
  }

  #pin(): void {
    if (shouldPin(this.#state, this.canFollow())) this.#toBottom();
    this.measure();
  }

  #toBottom(): void {
    const el = this.#scroller;
    if (!el) return;
    if (this.#state.jumping) el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    else el.scrollTop = el.scrollHeight;
    this.measure();
  }
}
