import { describe, expect, it } from 'vitest';
import { anySaved, modelLabel, savedModel, savedTuning } from './models.ts';

const custom = { id: 'custom', name: 'Custom (OpenAI-compatible)', models: [], any_model: true };
const deepseek = { id: 'deepseek', name: 'DeepSeek', models: [{ id: 'deepseek-chat', name: 'DeepSeek Chat' }], any_model: false };
const openrouter = { id: 'openrouter', name: 'OpenRouter', models: [{ id: 'openai/gpt-4o-mini', name: 'GPT-4o mini' }], any_model: true };
const usable = [custom, deepseek, openrouter];

describe('savedModel', () => {
  it('runs a version with the provider and model it saved, any id where the provider takes any', () => {
    expect(savedModel(1, { provider: 'custom', model: 'my-model' }, usable)).toEqual({ model: 'custom/my-model' });
    expect(savedModel(1, { provider: 'deepseek', model: 'deepseek-chat' }, usable)).toEqual({ model: 'deepseek/deepseek-chat' });
    // A provider alone means its first model, as picking the prompt in the chat does.
    expect(savedModel(1, { provider: 'deepseek' }, usable)).toEqual({ model: 'deepseek/deepseek-chat' });
  });

  it('says why a version cannot run with its saved settings instead of calling', () => {
    expect(savedModel(2, {}, usable)).toEqual({ problem: 'v2 has no saved model: pick one under Models.' });
    expect(savedModel(2, { temperature: 0.2 }, usable)).toMatchObject({ problem: expect.stringContaining('no saved model') });
    expect(savedModel(3, { provider: 'openai', model: 'gpt-4o' }, usable)).toEqual({
      problem: 'v3 was saved for openai / gpt-4o, which you have no key for: add one in Settings › API keys, or pick another model here.',
    });
    expect(savedModel(4, { provider: 'deepseek', model: 'deepseek-coder' }, usable)).toEqual({ problem: 'DeepSeek has no model deepseek-coder (saved with v4).' });
    expect(savedModel(5, { provider: 'custom' }, usable)).toMatchObject({ problem: expect.stringContaining('without a model') });
    expect(savedModel(6, { model: 'gpt-4o' }, usable)).toMatchObject({ problem: expect.stringContaining('no provider') });
  });
});

describe('modelLabel', () => {
  it('names the provider and the catalog model, the id past the first slash being the model', () => {
    expect(modelLabel('deepseek/deepseek-chat', usable)).toBe('DeepSeek · DeepSeek Chat');
    expect(modelLabel('openrouter/openai/gpt-4o-mini', usable)).toBe('OpenRouter · GPT-4o mini');
    expect(modelLabel('custom/typed-model', usable)).toBe('Custom (OpenAI-compatible) · typed-model');
    expect(modelLabel('gone/model', usable)).toBe('gone/model');
  });
});

it('anySaved and savedTuning describe what versions saved', () => {
  expect(anySaved([{ config: {} }, { config: { temperature: 1 } }])).toBe(false);
  expect(anySaved([{ config: {} }, { config: { model: 'x' } }])).toBe(true);
  expect(savedTuning({ temperature: 0.2, max_tokens: 300 })).toBe('temperature 0.2, at most 300 tokens');
  expect(savedTuning({ provider: 'custom' })).toBe('');
});
