import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendJson } from './json-response.ts';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/plain') return sendJson(res, 201, { name: 'Zoë', n: 1 });
    sendJson(res, 416, { message: 'nope' }, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it('writes the status, a JSON body and its byte length (not its character count)', async () => {
  const res = await fetch(`${base}/plain`);
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('application/json');
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({ name: 'Zoë', n: 1 });
  expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
  expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
});

it("lets a service's headers win, content type included", async () => {
  const res = await fetch(`${base}/other`);
  expect(res.status).toBe(416);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
});
