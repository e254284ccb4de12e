/**
 * Start-up progress: one line per step with its elapsed time. On a terminal the line is
 * redrawn every second while the step runs (`… Building the web app  12 s`) and settles as
 * `✓ Building the web app  41.2 s`; anywhere else (a pipe, CI) only the settled line is
 * written, so logs stay one line per step.
 *
 *   const progress = createProgress(process.stdout);
 *   const url = await progress.step('Starting Postgres', () => startPostgres());
 */

export interface Progress {
  /** Runs one step, reporting its duration; rethrows its failure after marking it ✗. */
  step<T>(label: string, run: () => Promise<T>): Promise<T>;
}

/** What a progress writer needs from a stream (process.stdout fits). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Runs steps without printing anything (tests, library use). */
export const silentProgress: Progress = {
  step: (_label, run) => run(),
};

export function createProgress(out: ProgressOutput, options: { tickMs?: number } = {}): Progress {
  const live = out.isTTY === true;
  return {
    async step(label, run) {
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      let timer: ReturnType<typeof setInterval> | undefined;
      if (live) {
        out.write(`  … ${label}`);
        timer = setInterval(() => out.write(`\r\x1b[2K  … ${label}  ${Math.floor(elapsed())} s`), options.tickMs ?? 1000);
      }
      const settle = (mark: string, suffix = '') => {
        if (timer) clearInterval(timer);
        out.write(`${live ? '\r\x1b[2K' : ''}  ${mark} ${label}  ${elapsed().toFixed(1)} s${suffix}\n`);
      };
      try {
        const result = await run();
        settle('✓');
        return result;
      } catch (error) {
        settle('✗', ' (failed)');
        throw error;
      }
    },
  };
}
