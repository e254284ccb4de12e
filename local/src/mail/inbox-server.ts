/**
 * The mail catcher's web interface (the CLI's Inbucket port, 54324): an inbox page for people
 * and a JSON API for tests and tools. Bound to 127.0.0.1 only: mails carry sign-in links.
 *
 *   GET    /                          the inbox page (newest first, ?to= filters)
 *   GET    /messages/:id              one mail, rendered in a sandboxed frame
 *   GET    /api/v1/messages[?to=]     { messages: Mail[] }
 *   GET    /api/v1/messages/:id       Mail
 *   DELETE /api/v1/messages[?to=]     forget mails (all, or one recipient's)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Mail, Mailbox } from './mailbox.ts';

export interface InboxServer {
  url: string;
  stop(): Promise<void>;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1c1c1c}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
a{color:#0b5cad}iframe{width:100%;height:60vh;border:1px solid #ccc}form{margin:1rem 0}</style></head>
<body>${body}</body></html>`;
}

function inboxPage(mails: Mail[], to: string): string {
  const rows = mails
    .map((m) => `<tr><td>${esc(m.createdAt.replace('T', ' ').slice(0, 19))}</td><td>${esc(m.to)}</td><td><a href="/messages/${m.id}">${esc(m.subject)}</a></td></tr>`)
    .join('');
  return page('Local inbox', `<h1>Local inbox</h1>
<p>Auth emails of the local stack are caught here and never delivered. JSON: <code>/api/v1/messages</code>.</p>
<form><label>Recipient <input name="to" type="email" value="${esc(to)}"></label> <button>Filter</button></form>
${mails.length ? `<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No mail yet.</p>'}`);
}

function mailPage(mail: Mail): string {
  // The mail's own HTML is shown in a sandboxed frame so it cannot run script on this page.
  return page(mail.subject, `<p><a href="/">← Inbox</a></p><h1>${esc(mail.subject)}</h1>
<p>To ${esc(mail.to)} · ${esc(mail.createdAt)}</p>
<iframe sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${esc(`<base target="_top">${mail.html}`)}"></iframe>`);
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

export async function startInboxServer(mailbox: Mailbox, port: number): Promise<InboxServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox.invalid');
    const to = url.searchParams.get('to') ?? '';
    const json = (status: number, body: unknown) => send(res, status, 'application/json', JSON.stringify(body));
    const one = /^\/(api\/v1\/)?messages\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', inboxPage(mailbox.list(to), to));
    if (req.method === 'GET' && url.pathname === '/api/v1/messages') return json(200, { messages: mailbox.list(to || undefined) });
    if (req.method === 'DELETE' && url.pathname === '/api/v1/messages') {
      mailbox.clear(to || undefined);
      return json(200, {});
    }
    if (req.method === 'GET' && one) {
      const mail = mailbox.get(one[2]!);
      if (!mail) return json(404, { error: 'not found' });
      return one[1] ? json(200, mail) : send(res, 200, 'text/html; charset=utf-8', mailPage(mail));
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
