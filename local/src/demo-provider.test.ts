// The fake provider's `/prose N`: the first N words of a given text, from its start again when
// the text is shorter, and `/tokens N` when no text was given; `at R/s`, its pace.
import { expect, it } from 'vitest';
import { fakeReplyChunks, fakeReplyGapMs } from './demo-provider.ts';

const ask = (content: string) => [{ role: 'user', content }];
const words = 'One two, three.\nFour five'.match(/\s*\S+/g)!;

it('answers /prose N with the first N words of its text, wrapping round a short one', () => {
  expect(fakeReplyChunks(ask('/prose 3 wal 0'), 12, words)).toEqual(['One', ' two,', ' three.']);
  expect(fakeReplyChunks(ask('/prose 7'), 12, words).join('')).toBe('One two, three.\nFour fiveOne two,');
});

it('answers /prose N as /tokens N without a text', () => {
  expect(fakeReplyChunks(ask('/prose 20'))).toEqual(fakeReplyChunks(ask('/tokens 20')));
  expect(fakeReplyChunks(ask('/prose 20'))).toHaveLength(20);
});

it('paces a sized reply at R chunks a second when asked, the same reply otherwise', () => {
  expect(fakeReplyGapMs(ask('/prose 4000 at 50/s wal 0'))).toBe(20);
  expect(fakeReplyGapMs(ask('/tokens 10 at 1000/s'))).toBe(1);
  expect(fakeReplyChunks(ask('/prose 3 at 50/s'), 12, words)).toEqual(['One', ' two,', ' three.']);
  for (const plain of ['/prose 4000 wal 0', '/prose 10 at 0/s', 'what is at 50/s?', '/echo /prose 3 at 5/s']) expect(fakeReplyGapMs(ask(plain)), plain).toBeNull();
});
