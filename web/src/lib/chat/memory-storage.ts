// For unit tests: a Storage in memory (node has no sessionStorage), as drafts.ts and
// send-queue.ts keep the tab's drafts and waiting messages.

/** A fresh, empty Storage in memory. */
export function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() { return map.size; },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}
