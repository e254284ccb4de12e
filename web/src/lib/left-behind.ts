// What a person leaves in this browser while signed in — drafts and the files beside them, the
// messages waiting for a connection (every tab's localStorage), a prompt's typed values, a form
// kept through a sign-in — is theirs alone. This browser's Sign out forgets it all (NavBar), but
// a session also ends on another device ("Sign out of other devices", a password reset) or by
// expiring, and then the tab is only sent to the sign-in page: the root layout calls this with
// whoever each page is rendered for, and what belongs to anyone else goes (security review 16 #2).
import { forgetDraftsOfOthers } from '$lib/chat/drafts';
import { forgetKeptChoicesOfOthers } from '$lib/chat/kept-prompt';
import { forgetRescuedFormOfOthers } from '$lib/form-rescue';

/** Forgets what others left in this browser: everything per-user when `userId` is null (nobody). */
export function forgetWhatOthersLeft(userId: string | null): void {
  forgetDraftsOfOthers(userId);
  forgetKeptChoicesOfOthers(userId);
  forgetRescuedFormOfOthers(userId);
}
