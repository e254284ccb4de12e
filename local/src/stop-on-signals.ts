/**
 * How `npm start` ends: SIGINT (a terminal's Ctrl-C), SIGTERM or SIGHUP stop the stack once,
 * in order, then the process exits 0. Once however many signals arrive: a terminal's Ctrl-C
 * reaches every process of its group and a wrapper may relay it again, and a second stop
 * would find nothing left to stop and exit while the first is still stopping Postgres.
 *
 *   const stop = stopOnSignals(() => stack.stop());   // stop() also ends it on other grounds
 */
export function stopOnSignals(stopStack: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopStack();
      process.exit(0);
    })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  return stop;
}
