// Whether the user has archived a chat, as this tab last learned it (its own Pin/Archive, or
// the `marks_changed` signal the sidebar hears on the user's private channel): the open chat's
// "archived" note follows it. Marks are per person (public.session_marks), so the chat's own
// row, which Realtime delivers, no longer says.
export const archivedChats = $state<{ byId: Record<string, boolean> }>({ byId: {} });
