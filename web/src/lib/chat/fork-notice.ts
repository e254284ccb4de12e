// A fork copies only the files the forker attached: the others' stay with the chat they were
// attached in (fork_session), and the API says how many it left out (`files_left_out`). The new
// chat says so as it opens. Both forks land there the same way — "Fork from here" by a client
// navigation, the shared page's "Fork into my account" by its form action's redirect (it works
// without JavaScript) — so the count travels in the new chat's address, `?files_left_out=2`,
// and the chat page shows the notice once and drops it from the address (a reload says nothing).
// The address carries a count, never words: the sentence is this module's.

export const FILES_LEFT_OUT = 'files_left_out';

/** The new chat's address, naming how many files the fork left out when it left any. */
export function forkedPath(sessionId: string, filesLeftOut: number): string {
  const path = `/chat/${sessionId}`;
  return filesLeftOut > 0 ? `${path}?${FILES_LEFT_OUT}=${filesLeftOut}` : path;
}

/** The count an address names: a whole number from 1 on, else null (none, or not a count). */
export function filesLeftOutIn(url: URL): number | null {
  const value = url.searchParams.get(FILES_LEFT_OUT);
  if (value === null || !/^[1-9][0-9]{0,5}$/.test(value)) return null;
  return Number(value);
}

/** What the user is told after a fork that left files out. */
export function forkNotice(filesLeftOut: number): string {
  return filesLeftOut === 1
    ? 'Forked. 1 file someone else attached was left out of your copy.'
    : `Forked. ${filesLeftOut.toLocaleString('en')} files other people attached were left out of your copy.`;
}

/** `url` without the count (the rest of its query kept). */
export function withoutFilesLeftOut(url: URL): URL {
  const next = new URL(url);
  next.searchParams.delete(FILES_LEFT_OUT);
  return next;
}
