// Reading chatbot-ui's export into importable chats (versions 1, 2 and 4): what is kept
// (messages, titles, the chat's model on its answers), what is counted as left out (own system
// prompts, temperatures, folders), and that each importer points to the other when the file
// holds both chats and prompts.
import { describe, expect, it } from 'vitest';
import { chatbotUiV2Export, chatbotUiV4Export } from '../../../../tests/fixtures/chatbot-ui-export';
import { skippedText, type SkipReason } from './conversations';
import { parsePromptFile } from './prompts';
import { parseExport, UnknownFormat } from './run';

describe('chatbot-ui export, version 4', () => {
  const parsed = parseExport(JSON.stringify(chatbotUiV4Export()));

  it('is read as chats with their titles, messages and the model on each answer', () => {
    expect(parsed.format).toBe('chatbot-ui');
    expect(parsed.conversations.map((c) => ({ title: c.title, messages: c.messages.map((m) => `${m.sender}: ${m.content}`) }))).toEqual([
      {
        title: 'Llamas and alpacas',
        messages: ['user: Tell me about llamas', 'assistant: Llamas are camelids from the Andes.', 'user: And alpacas?', 'assistant: Alpacas are smaller, bred for their fibre.'],
      },
      { title: 'Packing list', messages: ['user: What should I pack for Lisbon in May?', 'assistant: Light layers, a rain jacket and comfortable shoes.'] },
    ]);
    const [llamas] = parsed.conversations;
    expect(llamas).toMatchObject({ source: 'chatbot-ui', source_id: '6f1c2d1e-8a4b-4c1e-9f2a-1b2c3d4e5f60', created_at: null });
    expect(llamas.messages.map((m) => m.model)).toEqual([null, 'gpt-4', null, 'gpt-4']);
    expect(parsed.conversations[1].messages[1].model).toBe('gpt-3.5-turbo');
  });

  it('says what it left out: the own system prompt and temperature (not the defaults), the chat folder, the empty message and chat', () => {
    expect(parsed.skipped).toEqual({ chat_system_prompt: 1, temperature: 1, folder: 1, empty: 1, no_messages: 1 });
    const lines = (Object.entries(parsed.skipped) as [SkipReason, number][]).map(([reason, n]) => skippedText(reason, n));
    expect(lines).toContain("1 chat's own system prompt (not carried over: choose a prompt or project for it here)");
    expect(lines).toContain('1 chat folder (its chats come in unfiled)');
  });

  it('counts the prompts beside the chats, and the prompt import counts the chats beside the prompts', () => {
    expect(parsed.prompts).toBe(2);
    const prompts = parsePromptFile(JSON.stringify(chatbotUiV4Export()));
    expect(prompts.format).toBe('chatbot-ui');
    expect(prompts.items.map((i) => i.label)).toEqual(['Llama facts', 'Proofread']);
    expect(prompts.chats).toBe(3);
  });
});

describe('older chatbot-ui exports', () => {
  it('reads version 2 ({history, folders}, numeric ids, no temperature)', () => {
    const parsed = parseExport(JSON.stringify(chatbotUiV2Export()));
    expect(parsed.format).toBe('chatbot-ui');
    expect(parsed.conversations).toHaveLength(1);
    expect(parsed.conversations[0]).toMatchObject({ source: 'chatbot-ui', source_id: 'c-2023-03-24', title: 'Regex help' });
    expect(parsed.conversations[0].messages.map((m) => m.model)).toEqual([null, 'gpt-3.5-turbo']);
    expect(parsed.skipped).toEqual({ folder: 1 });
    expect(parsed.prompts).toBe(0);
  });

  it('reads version 1 (a bare array of chats with numeric ids), which the prompt import does not take for prompts', () => {
    const v1 = [{ id: 1, name: 'First chat', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] }];
    const parsed = parseExport(JSON.stringify(v1));
    expect(parsed.conversations).toEqual([
      expect.objectContaining({ source: 'chatbot-ui', source_id: '1', title: 'First chat', messages: [expect.objectContaining({ sender: 'user', content: 'Hi' }), expect.objectContaining({ sender: 'assistant', content: 'Hello!', model: null })] }),
    ]);
    expect(() => parsePromptFile(JSON.stringify(v1))).toThrow('This file holds 1 chat and no prompts: import it under Import chats above.');
  });

  it('a file of prompts only sends the chat import to the prompt import', () => {
    const { prompts, folders } = chatbotUiV4Export();
    expect(() => parseExport(JSON.stringify({ version: 4, history: [], folders, prompts }))).toThrow('This file holds 2 prompts and no chats: import them under Import prompts below.');
    expect(() => parseExport(JSON.stringify(prompts))).toThrow(UnknownFormat);
    expect(() => parseExport(JSON.stringify({ foo: 1 }))).toThrow('This JSON is not a ChatGPT conversations.json, a chatbot-ui export or a Mr.Prompt export.');
  });
});
