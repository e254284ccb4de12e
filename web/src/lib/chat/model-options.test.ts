import { describe, expect, it } from 'vitest';
import { chatsWith, modelOptions } from './model-options.ts';

describe('modelOptions', () => {
  const catalog = [{ id: 'gpt-4o', name: 'GPT-4o' }, { id: 'gpt-4o-mini', name: 'GPT-4o mini' }];

  it("puts the catalog first, then the provider's other models, each once", () => {
    const listed = [{ id: 'gpt-4o', name: null }, { id: 'o3', name: null }, { id: 'meta/llama-3.3', name: 'Llama 3.3' }];
    expect(modelOptions(catalog, listed, 'gpt-4o')).toEqual({
      suggested: catalog,
      listed: [{ id: 'o3', name: 'o3' }, { id: 'meta/llama-3.3', name: 'Llama 3.3' }],
    });
  });

  it("keeps the chat's model when neither list has it", () => {
    expect(modelOptions(catalog, [], 'my-finetune').suggested.at(-1)).toEqual({ id: 'my-finetune', name: 'my-finetune' });
    expect(modelOptions(catalog, [{ id: 'o3', name: null }], 'o3').suggested).toEqual(catalog);
    expect(modelOptions([], [], '').suggested).toEqual([]);
  });

  it('leaves out what does not chat: embeddings, speech, images, moderation', () => {
    for (const id of ['text-embedding-3-small', 'nomic-embed-text', 'mistral-embed', 'whisper-1', 'gpt-4o-mini-tts', 'tts-1-hd', 'dall-e-3', 'gpt-image-1', 'omni-moderation-latest', 'gpt-4o-transcribe', 'gpt-4o-realtime-preview', 'davinci-002']) {
      expect(chatsWith(id), id).toBe(false);
    }
    for (const id of ['gpt-4.1', 'o4-mini', 'llama3.2:latest', 'qwen2.5-coder:7b', 'anthropic/claude-sonnet-4', 'mistral-large-latest', 'deepseek-chat', 'llava:13b']) {
      expect(chatsWith(id), id).toBe(true);
    }
  });
});
