import { describe, expect, it } from 'vitest';
import { promptSettings } from './prompt-settings';

const providers = [
  { id: 'demo', name: 'Demo (offline)', models: [{ id: 'demo-model', name: 'Demo model' }], any_model: false },
  { id: 'openai', name: 'OpenAI', models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }, { id: 'gpt-4o', name: 'GPT-4o' }], any_model: false },
  { id: 'custom', name: 'Custom', models: [], any_model: true },
];
const current = { provider: 'demo', model: 'demo-model' };

describe('promptSettings', () => {
  it('switches to the saved provider and model and takes the temperature and longest answer', () => {
    expect(promptSettings({ provider: 'openai', model: 'gpt-4o', temperature: 0.3, max_tokens: 200 }, providers, current)).toEqual({
      provider: 'openai', model: 'gpt-4o', temperature: 0.3, maxTokens: 200,
      note: "Using the prompt's settings: openai / gpt-4o, temperature 0.3, at most 200 tokens.",
    });
  });

  it('takes any model id on an endpoint with an open model list', () => {
    expect(promptSettings({ provider: 'custom', model: 'llama3.1:8b' }, providers, current)).toMatchObject({ provider: 'custom', model: 'llama3.1:8b' });
  });

  it("keeps the chat's model when the saved provider has no key here, and says so", () => {
    const applied = promptSettings({ provider: 'anthropic', model: 'claude-x', temperature: 0 }, providers, current);
    expect(applied).toMatchObject({ provider: 'demo', model: 'demo-model', temperature: 0 });
    expect(applied?.note).toBe("Using the prompt's settings: temperature 0. It was saved for anthropic / claude-x, which you have no key for: the chat keeps its model.");
  });

  it('names a model the provider does not offer', () => {
    expect(promptSettings({ model: 'gpt-9' }, providers, { provider: 'openai', model: 'gpt-4o-mini' })).toEqual({
      provider: 'openai', model: 'gpt-4o-mini', note: 'OpenAI has no model gpt-9: the chat keeps gpt-4o-mini.',
    });
  });

  it('changes nothing for a prompt without settings, or with the chat\'s own', () => {
    expect(promptSettings({}, providers, current)).toBeNull();
    expect(promptSettings({ provider: 'demo', model: 'demo-model' }, providers, current)).toBeNull();
  });
});
