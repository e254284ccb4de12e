import { describe, expect, it } from 'vitest';
import { chatPromptOf, chatPromptSetting } from './chat-prompt.ts';

const id = '0190a0b0-0000-7000-8000-000000000001';

describe('the prompt a chat keeps', () => {
  it('reads what a turn wrote, never values kept with it, and nothing else', () => {
    expect(chatPromptOf({ id, label: 'production', version: null })).toEqual({ id, label: 'production', version: null });
    // Values written by an earlier build are not taken (nor kept: the next turn rewrites the prompt without them).
    expect(chatPromptOf({ id, label: null, version: 3, variables: { secret: 'x' } })).toEqual({ id, label: null, version: 3 });
    for (const other of [null, undefined, 'x', { id: 'not-a-uuid' }, { label: 'production' }]) expect(chatPromptOf(other)).toBeNull();
    expect(chatPromptOf({ id, label: 'Bad Label', version: 0 })).toEqual({ id, label: null, version: null });
  });

  it('is set by a turn that chooses a system prompt, without its values; dropped by null, left alone otherwise', () => {
    const withValues = { prompt_id: id, prompt_label: 'production', variables: { customer: 'Ada' } };
    expect(chatPromptSetting(withValues)).toEqual({ prompt: { id, label: 'production', version: null } });
    expect(chatPromptSetting({ prompt_id: null })).toEqual({ prompt: null });
    expect(chatPromptSetting({})).toEqual({});
    expect(chatPromptSetting({ prompt_id: id, prompt_in_message: true })).toEqual({});
  });
});
