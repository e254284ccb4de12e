// What happens to a message's uploaded files when POST /chat refuses it. The files were
// uploaded before the send; after a refusal only the error's Retry can still use them (the
// tray has emptied). So they are kept for Retry exactly when retrying the same request can
// succeed without changing it — the network failed, the server had a problem, the rate limit
// or the month's budget was reached (raised in Settings), the sign-in expired, a provider key
// was missing (added in Settings). A refusal that names one file at fault (the API's
// `attachment`: an image for a text-only model, an unsupported, missing or too large file)
// gives every file back to the tray with that one flagged, so one ✕ (or another model) fixes
// it. Otherwise they are removed from Storage: too many files, over the storage quota, a
// read-only chat… A kept file that is never retried is removed by the server's sweep of
// orphaned uploads (CHAT_UPLOAD_GRACE_SECONDS, a day by default).

/** The API's refusal as $lib/api's ApiError carries it (read by shape: this file has no imports). */
interface Refusal {
  status: number;
  code: string;
  details?: Record<string, unknown>;
}

function refusalOf(error: unknown): Refusal | null {
  if (!(error instanceof Error) || error.name !== 'ApiError') return null;
  const { status, code, details } = error as Error & Partial<Refusal>;
  return typeof status === 'number' && typeof code === 'string' ? { status, code, details } : null;
}

/** The one file of `sent` a refusal blames (the API's `attachment`), with the reason to show on it. */
export function fileAtFault(error: unknown, sent: string[]): { path: string; reason: string } | null {
  const path = refusalOf(error)?.details?.attachment;
  if (typeof path !== 'string' || !sent.includes(path)) return null;
  return { path, reason: (error as Error).message };
}

/** Statuses after which the very same request may succeed later. */
const RETRYABLE_STATUS = new Set([401, 402, 408, 425, 429]);
/** Codes (whatever their status) the user can fix elsewhere and then press Retry. */
const RETRYABLE_CODE = new Set(['rate_limited', 'budget_exceeded', 'missing_credential', 'turn_running', 'unauthorized']);

/** Whether a refused send's uploaded files are still usable by retrying it. */
export function filesOutliveRefusal(error: unknown): boolean {
  const refusal = refusalOf(error);
  if (!refusal) return true; // no answer at all: network, aborted, offline
  if (refusal.status === 0 || refusal.status >= 500) return true;
  return RETRYABLE_STATUS.has(refusal.status) || RETRYABLE_CODE.has(refusal.code);
}

/**
 * What the chat says after such a refusal: the server's reason, then what became of the files
 * and the text. The reason gets a full stop unless it has its own, so the sentences stay apart.
 */
export function refusalText(reason: string, files: number, textBack: boolean, filesBack: false | 'all' | 'flagged' = false): string {
  const trimmed = reason.trimEnd();
  const parts = [/[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`];
  if (files > 0 && filesBack) {
    const marked = filesBack === 'flagged' ? ', the file at fault marked' : '';
    parts.push(`${textBack ? 'Your text and files are' : `The attached ${files === 1 ? 'file is' : 'files are'}`} back in the message box${marked}.`);
    return parts.join(' ');
  }
  if (files > 0) parts.push(`The attached ${files === 1 ? 'file was' : 'files were'} removed.`);
  if (textBack) parts.push('Your text is back in the message box.');
  return parts.join(' ');
}
