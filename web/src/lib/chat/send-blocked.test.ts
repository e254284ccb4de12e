import { describe, expect, it } from 'vitest';
import { sendBlockedReason } from './send-blocked.ts';

const custom = { id: 'custom', name: 'Custom (OpenAI-compatible)' };

describe('sendBlockedReason', () => {
  it('says why Send is off, once, with the link that fixes it', () => {
    expect(sendBlockedReason([], '', '', null)).toEqual({ text: 'No provider is ready to answer.', href: '/settings#keys', link: 'Add an API key in Settings' });
    expect(sendBlockedReason([custom], 'custom', '', 'Custom (OpenAI-compatible) rejected the key; check it in Settings → API keys.')).toEqual({
      text: 'No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) rejected the key.',
      href: '/settings#key-custom',
      link: 'Fix it in Settings',
    });
    // The models list's own wording (lib/provider-models.ts), with or without a full stop.
    expect(sendBlockedReason([custom], 'custom', '', 'Custom (OpenAI-compatible) rejected the key; check it in Settings → API keys')?.text).toBe(
      'No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) rejected the key.',
    );
    expect(sendBlockedReason([{ ...custom, refused: true }], 'custom', 'gpt-x', null)?.text).toBe('Custom (OpenAI-compatible) refused your key when it was last checked.');
    expect(sendBlockedReason([custom], 'custom', '', null)).toEqual({ text: 'Pick a model first (or type a model id) in the Model field.', href: null, link: null });
  });

  it('lets a working provider with a model send', () => {
    expect(sendBlockedReason([custom], 'custom', 'gpt-x', null)).toBeNull();
    expect(sendBlockedReason([custom], 'custom', 'gpt-x', 'an old list error')).toBeNull();
  });
});
