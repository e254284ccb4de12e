// Who is in a chat, or invited to it, changed: what shows them (the chat's open People panel)
// reads them again. The signals come on two channels that other components own, since
// realtime-js keeps one channel per topic: the chat's own (`members_changed`, `member_removed`,
// and every rejoin, after which missed ones are not replayed: lib/chat/chat-live.svelte.ts) and
// the owner's own (`session_invitations_changed`, which only the owner receives:
// routes/chat/Sidebar.svelte). The database sends both (20261207115000_signal_people_changes.sql).

const listeners = new Map<string, Set<() => void>>();

/** Says that chat `sessionId`'s people or invitations may have changed. */
export function peopleChanged(sessionId: string): void {
  for (const listener of listeners.get(sessionId) ?? []) listener();
}

/** Calls `listener` on each change to chat `sessionId`'s people; returns the cleanup for $effect. */
export function onPeopleChanged(sessionId: string, listener: () => void): () => void {
  const set = listeners.get(sessionId) ?? new Set();
  set.add(listener);
  listeners.set(sessionId, set);
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
  };
}
