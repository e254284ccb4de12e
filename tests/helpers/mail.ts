/**
 * Reads the local mail catcher through its JSON API (GET /api/v1/messages?to=…), as a tool
 * outside the process would, and pulls links and codes out of auth emails.
 */
export interface CaughtMail {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  links: string[];
  createdAt: string;
}

export async function listMail(inboxUrl: string, to: string): Promise<CaughtMail[]> {
  const response = await fetch(`${inboxUrl}/api/v1/messages?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`inbox answered ${response.status}`);
  return ((await response.json()) as { messages: CaughtMail[] }).messages;
}

/** Waits for the `count`-th mail to `to` (1 = the first ever) and returns the newest. */
export async function waitForMail(inboxUrl: string, to: string, count = 1, timeoutMs = 10_000): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await listMail(inboxUrl, to);
    if (mails.length >= count) return mails[0]!;
    if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${to}, found ${mails.length}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The /auth/v1/verify link of an auth email. */
export function verifyLink(mail: CaughtMail): string {
  const link = mail.links.find((href) => href.includes('/auth/v1/verify?'));
  if (!link) throw new Error(`no verify link in "${mail.subject}"`);
  return link;
}

/** The app's link of an auth email (supabase/templates): the web app's /auth/confirm with the token hash. */
export function confirmLink(mail: CaughtMail): string {
  const link = mail.links.find((href) => new URL(href).pathname === '/auth/confirm');
  if (!link) throw new Error(`no /auth/confirm link in "${mail.subject}"`);
  return link;
}

/** The numeric code of an auth email: the templates show it in <strong>, else alone on a line
 * (never any digits elsewhere, e.g. inside the address). */
export function mailCode(mail: CaughtMail): string {
  const match = /<strong>\s*(\d{6,10})\s*<\/strong>/.exec(mail.html) ?? /^\s*(\d{6,10})\s*$/m.exec(mail.text);
  if (!match) throw new Error(`no code in "${mail.subject}"`);
  return match[1]!;
}
