// Paces re-renders of text that changes in many small steps — a live answer grows chunk by
// chunk, and each step re-renders the whole answer's markdown. The first change after a quiet
// spell renders at once; changes that follow render together, once the last render is at
// least a frame ago and twice its own cost ago, so a long answer never takes the whole main
// thread. The last change always renders.
export interface RenderPacer {
  /** The source changed: `render` now when the last one is long enough ago, else once, later. */
  changed(): void;
  /** A render just took `costMs`: the next waits at least twice that (and a frame). */
  rendered(costMs: number): void;
  /** Drops a pending render (the component is gone). */
  stop(): void;
}

export function createRenderPacer(render: () => void, frameMs = 16): RenderPacer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let readyAt = 0;
  return {
    changed() {
      if (timer !== undefined) return;
      const wait = readyAt - performance.now();
      if (wait <= 0) return render();
      timer = setTimeout(() => {
        timer = undefined;
        render();
      }, wait);
    },
    rendered(costMs) {
      readyAt = performance.now() + Math.max(frameMs, 2 * costMs);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
