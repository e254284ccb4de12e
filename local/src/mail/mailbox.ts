/**
 * The local mail catcher's store: auth emails are kept in memory (newest first, bounded) so a
 * developer can read them in the inbox page and tests can read them through the JSON API, as
 * `supabase start` offers with Inbucket/Mailpit. Nothing is ever delivered anywhere.
 */
import { randomUUID } from 'node:crypto';

export interface Mail {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Every href in the HTML, in order (the confirmation/magic links). */
  links: string[];
  createdAt: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
}

const MAX_MAILS = 1000;

export class Mailbox {
  private readonly mails: Mail[] = [];
  private readonly waiters = new Set<() => void>();

  deliver(mail: OutgoingMail): Mail {
    const stored: Mail = {
      id: randomUUID(),
      to: mail.to.toLowerCase(),
      subject: mail.subject,
      html: mail.html,
      text: htmlToText(mail.html),
      links: [...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => decodeEntities(m[1]!)),
      createdAt: new Date().toISOString(),
    };
    this.mails.unshift(stored);
    this.mails.length = Math.min(this.mails.length, MAX_MAILS);
    for (const wake of [...this.waiters]) wake();
    return stored;
  }

  /** Newest first; only those sent to `to` when given. */
  list(to?: string): Mail[] {
    const address = to?.toLowerCase();
    return this.mails.filter((mail) => !address || mail.to === address);
  }

  get(id: string): Mail | undefined {
    return this.mails.find((mail) => mail.id === id);
  }

  clear(to?: string): void {
    const address = to?.toLowerCase();
    for (let i = this.mails.length - 1; i >= 0; i--) if (!address || this.mails[i]!.to === address) this.mails.splice(i, 1);
  }

  /** Resolves with the newest mail to `to` that arrives (or already arrived) after `since`. */
  async waitFor(to: string, options: { since?: number; timeoutMs?: number } = {}): Promise<Mail> {
    const since = options.since ?? 0;
    const find = () => this.list(to).find((mail) => Date.parse(mail.createdAt) >= since);
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${to} arrived`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** A plain-text rendering for the inbox list and for tests that read a code. */
function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|h\d|div|li)>/gi, '\n')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(text).replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').trim();
}
