/** GET /api/search and a new chat, as the search tests call them through the API harness. */
import { expect } from 'vitest';
import { newSession, type ApiUser } from './api.ts';

/** The caller's search for `q` (`extra`: more query parameters, `&cursor=…`); must answer 200. */
export async function searchAs<T>(user: ApiUser, q: string, extra = ''): Promise<T> {
  const res = await user.request('GET', `/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status, q).toBe(200);
  return (await res.json()) as T;
}

/** A new chat of `owner`'s titled `title`; its id. */
export async function newChat(owner: ApiUser, title: string): Promise<string> {
  return (await newSession(owner, { title })).id;
}
