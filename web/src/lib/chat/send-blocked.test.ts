import { describe, expect, it } from 'vitest';
import { sendBlockedReason } from './send-blocked.ts';

const custom = { id: 'custom', name: 'Custom (OpenAI-compatible)' };
// The API's answers (lib/provider-models.ts), their messages as the provider wording is today.
const refused = { code: 'provider_rejected_key', message: 'Custom (OpenAI-compatible) rejected the key; check it in Settings → API keys' };

describe('sendBlockedReason', () => {
  it('says why Send is off, once, with the link that fixes it', () => {
    expect(sendBlockedReason([], '', '', null)).toEqual({ text: 'No provider is ready to answer.', href: '/settings#keys', link: 'Add an API key in Settings' });
    expect(sendBlockedReason([custom], 'custom', '', refused)).toEqual({
      text: 'No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) refused your key.',
      href: '/settings#key-custom',
      link: 'Fix it in Settings',
    });
    expect(sendBlockedReason([{ ...custom, refused: true }], 'custom', 'gpt-x', null)?.text).toBe('Custom (OpenAI-compatible) refused your key when it was last checked.');
    expect(sendBlockedReason([custom], 'custom', '', null)).toEqual({ text: 'Pick a model first (or type a model id) in the Model field.', href: null, link: null });
  });

  it("words the reason from the API's code, whatever the message says", () => {
    const reason = (code: string, message: string) => sendBlockedReason([custom], 'custom', '', { code, message })?.text;
    // The same code with other wording (or none) reads the same: the message is not parsed.
    expect(reason('provider_rejected_key', 'Custom rejected the key, check it in Settings.')).toBe(reason('provider_rejected_key', refused.message));
    expect(reason('provider_rejected_key', '')).toBe('No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) refused your key.');
    expect(reason('models_unavailable', 'Custom (OpenAI-compatible) has no models list at this base URL. It answered 404 at http://x/models: does the base URL need /v1?')).toBe(
      'No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) has no list of models at its base URL: type a model id, or check the URL.',
    );
    expect(reason('provider_unreachable', 'Could not get the models from Custom (OpenAI-compatible) (it answered 500); try again later')).toBe(
      'No model to send to: Custom (OpenAI-compatible) listed none. Custom (OpenAI-compatible) could not be reached for its models: try again later, or type a model id.',
    );
    for (const text of [reason('provider_rejected_key', refused.message), reason('models_unavailable', 'x'), reason('provider_unreachable', 'y')]) {
      expect(text).not.toMatch(/settings/i);
    }
  });

  it('says the message of a code it does not know, as it is, with one full stop', () => {
    const reason = (code: string, message: string) => sendBlockedReason([custom], 'custom', '', { code, message })?.text;
    expect(reason('rate_limited', 'Too many model lists; try again in 7 s')).toBe('No model to send to: Custom (OpenAI-compatible) listed none. Too many model lists; try again in 7 s.');
    expect(reason('unreachable', 'Mr.Prompt could not be reached. Check your connection and try again in a moment.')).toBe(
      'No model to send to: Custom (OpenAI-compatible) listed none. Mr.Prompt could not be reached. Check your connection and try again in a moment.',
    );
    // Not a method of an object either.
    expect(reason('toString', 'Something else went wrong')).toBe('No model to send to: Custom (OpenAI-compatible) listed none. Something else went wrong.');
  });

  it('lets a working provider with a model send', () => {
    expect(sendBlockedReason([custom], 'custom', 'gpt-x', null)).toBeNull();
    expect(sendBlockedReason([custom], 'custom', 'gpt-x', { code: 'provider_unreachable', message: 'an old list error' })).toBeNull();
  });
});
