// Reads of one list that may answer out of order (a re-read on every live signal, another on
// every rejoin): an answer is applied only when no read begun after it was applied already,
// and no change made here since it began (`supersede`) is newer than it.

export interface OrderedReads {
  /** Call as a read starts; `apply()` on its answer says whether to show it (and marks it shown). */
  begin(): { apply(): boolean };
  /** A change made here (an invitation answered): reads on their way began before it. */
  supersede(): void;
}

export function orderedReads(): OrderedReads {
  let started = 0;
  let applied = 0;
  return {
    begin() {
      const read = ++started;
      return {
        apply() {
          if (read < applied) return false;
          applied = read;
          return true;
        },
      };
    },
    supersede() {
      applied = ++started;
    },
  };
}

/**
 * A read made again and again (on every signal, every rejoin) whose answers are shown through
 * `show` in the order above: `read(...args)` starts one, a failed one shows nothing, and
 * `supersede()` marks a change made here.
 */
export function newestReads<A extends unknown[], T>(fetch: (...args: A) => Promise<T>, show: (value: T) => void) {
  const reads = orderedReads();
  return {
    /** Resolves once the read is answered (and shown, unless a newer one was), or failed. */
    read(...args: A): Promise<void> {
      const read = reads.begin();
      return fetch(...args)
        .then((value) => {
          if (read.apply()) show(value);
        })
        .catch(() => {});
    },
    supersede: () => reads.supersede(),
  };
}
