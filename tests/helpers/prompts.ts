// Prompts made and listed through the API as a test user, and the system prompts a chat then sent
// the fake provider, for the route tests of prompts, projects and chats.
import { expect } from 'vitest';
import type { FakeProvider } from '../../local/src/demo-provider.ts';
import type { ApiUser } from './api.ts';

export interface Prompt {
  id: string;
  title: string;
  latest_version: number;
  is_owner: boolean;
  tags: string[];
  variables: { name: string; required: boolean; default: string | null }[];
}

export async function createPrompt(user: ApiUser, body: Record<string, unknown> = {}): Promise<Prompt> {
  const res = await user.request('POST', '/prompts', { title: 'Summarise', content: 'Summarise {{text}} in {{words|50}} words.', ...body });
  expect(res.status).toBe(201);
  return await res.json();
}

export async function listIds(user: ApiUser, query: string): Promise<string[]> {
  const res = await user.request('GET', `/prompts?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()).prompts.map((p: { id: string }) => p.id);
}

/** The system messages of the last request the fake provider received, in the order sent. */
export function systemMessagesSent(provider: FakeProvider): string[] {
  const body = provider.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
  return body.messages.filter((m) => m.role === 'system').map((m) => m.content);
}
