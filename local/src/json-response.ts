/**
 * The one way the local services write a JSON answer on a node:http response: serialised
 * once, with its Content-Type and Content-Length. Services add their own headers (auth's
 * `Cache-Control: no-store`, storage's charset) through `headers`, which win.
 *
 *   sendJson(res, 404, { message: 'no Route matched with those values' });
 */
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
