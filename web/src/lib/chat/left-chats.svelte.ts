// Group chats this tab's user has just left (MembersMenu's Leave), in order: the sidebar drops
// each at once, rather than when the re-read that the `memberships_changed` signal starts
// answers, and a read of the list begun before the leave does not bring it back.
export const leftChats = $state<{ ids: string[] }>({ ids: [] });
