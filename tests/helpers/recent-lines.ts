/** The last `limit` lines added, each stamped with the time it came: what a failed test prints. */
export function recentLines(limit: number): { add(line: string): void; lines(): string[] } {
  const kept: string[] = [];
  return {
    add(line) {
      kept.push(`${new Date().toISOString()} ${line}`);
      if (kept.length > limit) kept.shift();
    },
    lines: () => [...kept],
  };
}
