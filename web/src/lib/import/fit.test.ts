// Fitting a file to what POST /api/import takes: a chat is never refused for a cosmetic field
// (an over-long title or model name), a date in the future or in milliseconds never tops the
// sidebar, and a refusal that remains is reported with the API's reason, by chat and message,
// "try again" kept for what may work later.
import { describe, expect, it } from 'vitest';
import { chatGptExport } from '../../../../tests/fixtures/chatgpt-export';
import { tamperedExport } from '../../../../tests/fixtures/tampered-export';
import { ApiError } from '../api';
import { parseChatGpt } from './chatgpt';
import type { ImportConversation } from './conversations';
import { adjustedText, fitForImport, TITLE_CHARS } from './fit';
import { parseMrPrompt } from './mrprompt';
import { failureOf } from './run';

describe('fitForImport', () => {
  it('shortens an over-long title at a word and a model name, leaves out dates in the future, and counts each change', () => {
    const parsed = parseMrPrompt(tamperedExport());
    const { conversations, adjusted } = fitForImport(parsed.conversations, parsed.skipped, Date.parse('2026-12-07T00:00:00Z'));
    const [long, future] = conversations;
    expect(long.title).toMatch(/^<img src=x onerror=alert\(1\)> T+…$/);
    expect(long.title!.length).toBeLessThanOrEqual(TITLE_CHARS);
    expect(long.messages.map((m) => m.model)).toEqual([null, `${'m'.repeat(199)}…`, 'gpt-4o[31m']);
    expect([future.created_at, ...future.messages.map((m) => m.created_at)]).toEqual([null, null, '2024-05-02T10:00:00.000Z']);
    expect(adjusted).toEqual({ long_title: 1, model_name: 2, odd_time: 2 });
    expect(adjustedText('odd_time', 2)).toBe('2 dates in the future or before 2000 left out (each such message is dated just after the one before it)');
    expect(adjustedText('long_title', 1)).toBe('1 title shortened to 200 characters');
  });

  it("reads a ChatGPT create_time in milliseconds as milliseconds, not 50,000 years ahead", () => {
    const [, chat] = chatGptExport('millis');
    const seconds = chat.create_time;
    const inMillis = (time: unknown) => (typeof time === 'number' ? time * 1000 : time);
    const millis = { ...chat, create_time: seconds * 1000, mapping: Object.fromEntries(Object.entries(chat.mapping).map(([k, node]) =>
      [k, node.message ? { ...node, message: { ...node.message, create_time: inMillis(node.message.create_time) } } : node])) };
    const [fromSeconds] = parseChatGpt([chat]).conversations;
    const [fromMillis] = parseChatGpt([millis]).conversations;
    expect(fromMillis.created_at).toBe(new Date(seconds * 1000).toISOString());
    expect(fromMillis.messages.map((m) => m.created_at)).toEqual(fromSeconds.messages.map((m) => m.created_at));
  });
});

describe('a refused request in the report', () => {
  const sent = [
    { source: 'mrprompt', source_id: 'a', title: 'Trip to Lisbon', offset: 0, total: 2, messages: [] },
    { source: 'mrprompt', source_id: 'b', title: `Part two of ${'x'.repeat(100)}`, offset: 40, total: 90, messages: [] },
  ] as unknown as ImportConversation[];

  it("gives the API's reason, naming the chat and the message rather than their places in the request, and no 'try again'", () => {
    const refusal = new ApiError(400, 'invalid_request', 'conversations.0.title: Too big: expected string to have <=1000 characters; conversations.1.messages.2.model: Too big: expected string to have <=200 characters');
    expect(failureOf(sent, refusal)).toEqual({
      titles: ['Trip to Lisbon', sent[1].title],
      reason: `“Trip to Lisbon”, title: Too big: expected string to have <=1000 characters; “Part two of ${'x'.repeat(45)}…”, message 43, model: Too big: expected string to have <=200 characters`,
      retry: false,
    });
    const quota = new ApiError(409, 'limit_reached', 'There can be at most 1,000,000 messages per account; delete some before adding more');
    expect(failureOf(sent, quota)).toMatchObject({ reason: quota.message, retry: false });
  });

  it("keeps 'try again' for no answer, a rate limit and the server failing", () => {
    for (const err of [new ApiError(0, 'unreachable', 'Mr.Prompt could not be reached.'), new ApiError(429, 'rate_limited', 'Too many'), new ApiError(503, 'database_unavailable', 'Down'), new TypeError('Failed to fetch')]) {
      expect(failureOf(sent, err)).toMatchObject({ reason: err.message, retry: true });
    }
  });
});
