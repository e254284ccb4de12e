import { describe, expect, it } from 'vitest';
import { QUOTE_CHARS, TITLE_INSTRUCTIONS, titleFromReply, titleRequest } from './chat-title.ts';

describe('titleRequest', () => {
  it('shows the model the question and the answer, each cut to a bound', () => {
    const [system, user] = titleRequest('How do tides work?', 'x'.repeat(QUOTE_CHARS + 500));
    expect(system).toEqual({ role: 'system', content: TITLE_INSTRUCTIONS });
    expect(user?.role).toBe('user');
    expect(user?.content).toContain('<question>\nHow do tides work?\n</question>');
    expect(user?.content.length).toBeLessThan(QUOTE_CHARS + 100);
    expect(user?.content).toContain('…\n</answer>');
  });
});

describe('titleFromReply', () => {
  it.each([
    ['Tides and the Moon', 'Tides and the Moon'],
    ['"Tides and the Moon"', 'Tides and the Moon'],
    ['“Les marées et la Lune”.', 'Les marées et la Lune'],
    ['Title: Tides and the Moon.', 'Tides and the Moon'],
    ['**Tides** and the _Moon_', 'Tides and the Moon'],
    ['# Tides\n\nThis conversation is about tides.', 'Tides'],
    ['<think>The user asks about tides, so…</think>\nTides explained', 'Tides explained'],
    ['Why the sky looks blue...', 'Why the sky looks blue...'],
    ['New chat ideas', 'New chat ideas'],
  ])('%j → %j', (reply, title) => {
    expect(titleFromReply(reply)).toBe(title);
  });

  it('keeps a title to one line of at most 60 characters', () => {
    const title = titleFromReply(`${'word '.repeat(40)}\nsecond line`);
    expect(title?.length).toBeLessThanOrEqual(60);
    expect(title).not.toContain('second');
  });

  it.each([[''], ['   \n  '], ['<think>still thinking when the tokens ran out'], ['""'], ['<b></b>']])('finds no title in %j', (reply) => {
    expect(titleFromReply(reply)).toBeNull();
  });
});
