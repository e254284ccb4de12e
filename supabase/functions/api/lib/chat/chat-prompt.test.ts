import { describe, expect, it } from 'vitest';
import { chatPromptOf, chatPromptSetting } from './chat-prompt.ts';

const id = '0190a0b0-0000-7000-8000-000000000001';

describe('the prompt a chat keeps', () => {
  it('reads what a turn wrote, a chat from before values were kept, and nothing else', () => {
    expect(chatPromptOf({ id, label: 'production', version: null, variables: { a: 1 } })).toEqual({ id, label: 'production', version: null, variables: { a: 1 } });
    expect(chatPromptOf({ id, label: null, version: 3, variables: null })).toEqual({ id, label: null, version: 3, variables: null });
    // Metadata written before the values were kept: the prompt, with no values of its own.
    expect(chatPromptOf({ id, label: 'production', version: null })).toEqual({ id, label: 'production', version: null, variables: {} });
    for (const other of [null, undefined, 'x', { id: 'not-a-uuid' }, { label: 'production' }]) expect(chatPromptOf(other)).toBeNull();
    expect(chatPromptOf({ id, label: 'Bad Label', version: 0, variables: { a: { nested: true } } })).toEqual({ id, label: null, version: null, variables: null });
  });

  it('is set by a turn that chooses a system prompt, dropped by null, left alone otherwise', () => {
    expect(chatPromptSetting({ prompt_id: id, prompt_label: 'production', variables: { a: 'b' } })).toEqual({ prompt: { id, label: 'production', version: null, variables: { a: 'b' } } });
    expect(chatPromptSetting({ prompt_id: id, variables: { doc: 'x'.repeat(13_000) } })).toEqual({ prompt: { id, label: null, version: null, variables: null } });
    expect(chatPromptSetting({ prompt_id: null })).toEqual({ prompt: null });
    expect(chatPromptSetting({})).toEqual({});
    expect(chatPromptSetting({ prompt_id: id, prompt_in_message: true })).toEqual({});
  });
});
