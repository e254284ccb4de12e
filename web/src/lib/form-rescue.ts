// A form sent after the session has ended (signed out on another device, the refresh token
// revoked) gets a redirect to sign in (`/login?next=<page>`), and what was typed in it — a
// prompt's template, a project's instructions — would be gone on the way back. The root layout
// keeps the sent form's fields in this tab's sessionStorage on that redirect and puts them back
// once the same person is on the same page again; nothing is sent again without a click.
//
// Kept: text, numbers, choices and checkboxes. Never kept: passwords (a provider key is one),
// files, and hidden fields (tokens, ids the page renders anew).

const KEY = 'mrprompt:rescued-form';
/** Past this, what was typed is not offered back (another sitting, not a sign-in detour). */
const MAX_AGE_MS = 60 * 60 * 1000;

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

interface Rescued {
  user: string;
  path: string;
  /** The form's action attribute and its place among the page's forms with that action. */
  action: string;
  index: number;
  at: number;
  fields: { name: string; value: string; checked?: boolean }[];
}

const actionOf = (form: HTMLFormElement) => form.getAttribute('action') ?? '';
const sameAction = (action: string) => [...document.forms].filter((f) => actionOf(f) === action);

function kept(field: Element): field is Field {
  if (field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement) return Boolean(field.name);
  return field instanceof HTMLInputElement && Boolean(field.name) && !['password', 'file', 'hidden', 'submit', 'button', 'reset', 'image'].includes(field.type);
}

/** Keeps `form`'s fields for `user` on `path` (called as the browser is sent to sign in). */
export function rescueForm(form: HTMLFormElement, user: string, path: string): void {
  const action = actionOf(form);
  const fields = [...form.elements].filter(kept).map((f) =>
    f instanceof HTMLInputElement && (f.type === 'checkbox' || f.type === 'radio') ? { name: f.name, value: f.value, checked: f.checked } : { name: f.name, value: f.value },
  );
  if (fields.length === 0) return;
  const rescued: Rescued = { user, path, action, index: sameAction(action).indexOf(form), at: Date.now(), fields };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(rescued));
  } catch {
    // Storage full or refused: the sign-in still goes ahead, as before.
  }
}

/**
 * Puts a rescued form back when `user` is on its page again; returns how many fields changed.
 * Each field gets the events typing would send, so bound state follows. Another person signing
 * in on this tab gets nothing, and the rescue is dropped.
 */
export function restoreForm(user: string, path: string): number {
  let rescued: Rescued;
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return 0;
    rescued = JSON.parse(raw);
    if (rescued.path !== path) return 0;
    sessionStorage.removeItem(KEY);
  } catch {
    return 0;
  }
  if (rescued.user !== user || Date.now() - rescued.at > MAX_AGE_MS) return 0;
  const form = sameAction(rescued.action)[rescued.index];
  if (!form) return 0;
  let changed = 0;
  for (const saved of rescued.fields) {
    const candidates = [...form.elements].filter((f): f is Field => kept(f) && f.name === saved.name);
    const field = saved.checked === undefined ? candidates[0] : candidates.find((f) => f.value === saved.value);
    if (!field) continue;
    if (field instanceof HTMLInputElement && saved.checked !== undefined) {
      if (field.checked === saved.checked) continue;
      field.checked = saved.checked;
    } else {
      if (field.value === saved.value) continue;
      field.value = saved.value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    field.dispatchEvent(new Event('change', { bubbles: true }));
    changed++;
  }
  return changed;
}

/**
 * Drops a form kept for someone other than `userId`, who is signed in now ($lib/left-behind).
 * Not when nobody is: that is the sign-in page the form was kept through, and it goes back only
 * to the person who typed it, within the hour.
 */
export function forgetRescuedFormOfOthers(userId: string | null): void {
  if (userId === null) return;
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw && JSON.parse(raw)?.user !== userId) sessionStorage.removeItem(KEY);
  } catch {
    // Blocked storage kept nothing; an unreadable entry is never restored.
  }
}

/** Drops a kept form (signing out: what was typed goes with the person who typed it). */
export function forgetRescuedForm(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Blocked storage kept nothing.
  }
}
