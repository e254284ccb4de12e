/**
 * Idle watchdog: calls `onIdle` after `ms` without activity. Activity only stamps a time (no
 * timer per chunk); the one timer re-arms itself for what is left when it fires early.
 */
export function idleWatchdog(ms: number, onIdle: () => void) {
  let last = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const quiet = performance.now() - last;
    if (quiet >= ms) onIdle();
    else timer = setTimeout(check, ms - quiet);
  };
  timer = setTimeout(check, ms);
  return {
    touch: () => void (last = performance.now()),
    stop: () => clearTimeout(timer),
  };
}
