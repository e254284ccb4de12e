// Every tab of this browser shows the person who is signed in now. Signing out (or in as someone
// else) happens in one tab, and the session is in httpOnly cookies no page script sees change, so
// the other tabs kept showing the last person's chats until their next request. Each page writes
// the user the server rendered it for to localStorage; the other tabs hear it as a `storage`
// event, and a page the back/forward cache restores (`pageshow` with `persisted`) compares on
// its return. A tab showing someone else reloads, and the server then shows what the cookies
// allow: a signed-out tab gets the sign-in page (`/login?next=…`), a public page stays public.
//   https://supabase.com/docs/guides/auth/signout (signing out clears the session where it is stored)
//   https://web.dev/articles/bfcache#update-stale-or-sensitive-data-after-bfcache-restore
//   https://developer.mozilla.org/docs/Web/API/Window/storage_event

const KEY = 'mrprompt-signed-in';
/** Stored for "nobody": a missing key means not known yet (storage cleared, first visit). */
const NOBODY = '-';

function stored(): string | null | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === null ? undefined : value === NOBODY ? null : value;
  } catch {
    return undefined; // storage refused (privacy settings): nothing to compare
  }
}

/** Records who this tab shows (the server's answer for its page): null when nobody is signed in. */
export function recordSignedInUser(userId: string | null): void {
  try {
    localStorage.setItem(KEY, userId ?? NOBODY);
  } catch {
    // Without storage the other tabs only learn at their next request, as before.
  }
}

/**
 * Reloads this tab when another tab signs out or in as someone else, or when it comes back from
 * the back/forward cache after that happened. `shown` is the user this tab shows now.
 * Returns the function that stops watching.
 */
export function followSignedInUser(shown: () => string | null): () => void {
  const showsSomeoneElse = (now: string | null | undefined) => now !== undefined && shown() !== null && now !== shown();
  const onStorage = (event: StorageEvent) => {
    if (event.key !== KEY || event.newValue === null) return;
    if (showsSomeoneElse(event.newValue === NOBODY ? null : event.newValue)) location.reload();
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted && showsSomeoneElse(stored())) location.reload();
  };
  window.addEventListener('storage', onStorage);
  window.addEventListener('pageshow', onPageShow);
  return () => {
    window.removeEventListener('storage', onStorage);
    window.removeEventListener('pageshow', onPageShow);
  };
}
