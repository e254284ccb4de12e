// The notice under an answer written without the chat's oldest messages (QA13 #2): said only
// when some were left out, with the count in words a person reads as a sentence.
import { describe, expect, it } from 'vitest';
import { leftOutNotice } from './left-out-turns.ts';

describe('leftOutNotice', () => {
  it('says nothing when the whole chat was seen, or the count is missing or makes no sense', () => {
    for (const count of [0, null, undefined, -2, 1.5, Number.NaN]) expect(leftOutNotice(count)).toBeNull();
  });

  it('names one message in the singular', () => {
    expect(leftOutNotice(1)).toBe(
      'The model could not see the first message of this chat when it wrote this answer: the chat is longer than its context window. ' +
        'Start a new chat, or pick a model with a larger context window.',
    );
  });

  it('counts several messages, with a thousands separator', () => {
    expect(leftOutNotice(3)).toContain('could not see the first 3 messages of this chat');
    expect(leftOutNotice(1200)).toContain('the first 1,200 messages');
  });
});
