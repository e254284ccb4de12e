// Realtime's heartbeat clock, run in a Web Worker (src/lib/supabase.ts: `realtime.worker`).
// A tab in the background gets its timers throttled — to once a minute after a few minutes in
// Chrome — and a socket that misses its heartbeats is closed by the server, silently: the tab
// stops hearing answers and row changes until it is looked at again. A worker's timers are not
// throttled that way, so the tab keeps its socket
// (https://supabase.com/docs/guides/troubleshooting/realtime-handling-silent-disconnections-in-backgrounded-applications-592794).
// The protocol is realtime-js's: `start` with the interval, then `keepAlive` on every tick, on
// which the client sends the heartbeat itself. Served by this site, as the Content-Security-
// Policy's worker-src allows ('self'; the client's default worker is a blob: URL).
let timer;
addEventListener('message', (event) => {
  if (event.data?.event !== 'start') return;
  clearInterval(timer);
  timer = setInterval(() => postMessage({ event: 'keepAlive' }), event.data.interval);
});
