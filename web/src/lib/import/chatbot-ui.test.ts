// Reading chatbot-ui's export into importable chats (versions 1, 2 and 4, and the newer
// version's chatbot-ui-data.json): what is kept (messages, titles, the chat's model on its
// answers, its temperature, its folder as a project; prompt folders as tags), what is counted
// as left out (own system prompts), hostile files refused or counted, and that each importer
// points to the other when the file holds both chats and prompts.
import { describe, expect, it } from 'vitest';
import { chatbotUiBrowserStorage, chatbotUiV2Export, chatbotUiV4Export } from '../../../../tests/fixtures/chatbot-ui-export';
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

  it("keeps a chat's own temperature (not the default every chat carried) and its folder, for its project", () => {
    const [llamas, packing] = parsed.conversations;
    expect(llamas).toMatchObject({ temperature: 0.3, folder: { source_id: 'f-animals', name: 'Animals' } });
    expect(packing).not.toHaveProperty('temperature');
    expect(packing).not.toHaveProperty('folder');
  });

  it('says what it left out: the own system prompt (not the default), the empty message and chat', () => {
    expect(parsed.skipped).toEqual({ chat_system_prompt: 1, empty: 1, no_messages: 1 });
    const lines = (Object.entries(parsed.skipped) as [SkipReason, number][]).map(([reason, n]) => skippedText(reason, n));
    expect(lines).toContain("1 chat's own system prompt (a chat here has none of its own: save it as a prompt, and choose it for the chat or its project)");
  });

  it('counts the prompts beside the chats, and the prompt import counts the chats beside the prompts', () => {
    expect(parsed.prompts).toBe(2);
    const prompts = parsePromptFile(JSON.stringify(chatbotUiV4Export()));
    expect(prompts.format).toBe('chatbot-ui');
    expect(prompts.items.map((i) => i.label)).toEqual(['Llama facts', 'Proofread']);
    // A prompt folder is a tag, as the API takes tags.
    expect(prompts.items.map((i) => i.body)).toEqual([
      { title: 'Llama facts', content: 'Tell me about {{animal}}', description: 'Facts about an animal', tags: ['writing-prompts'] },
      { title: 'Proofread', content: 'Proofread this: {{text}}', description: '' },
    ]);
    expect(prompts.chats).toBe(3);
  });
});

describe('older chatbot-ui exports', () => {
  it('reads version 2 ({history, folders}, numeric ids, no temperature)', () => {
    const parsed = parseExport(JSON.stringify(chatbotUiV2Export()));
    expect(parsed.format).toBe('chatbot-ui');
    expect(parsed.conversations).toHaveLength(1);
    // Its folders have no type and numeric ids: all are chat folders.
    expect(parsed.conversations[0]).toMatchObject({ source: 'chatbot-ui', source_id: 'c-2023-03-24', title: 'Regex help', folder: { source_id: '1', name: 'Code' } });
    expect(parsed.conversations[0].messages.map((m) => m.model)).toEqual([null, 'gpt-3.5-turbo']);
    expect(parsed.skipped).toEqual({});
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

describe("chatbot-ui's newer version: chatbot-ui-data.json (the original's browser storage)", () => {
  const stored = JSON.stringify(chatbotUiBrowserStorage());

  it('is read as the export it holds, chats and prompts alike, and the key it kept never leaves the file', () => {
    const parsed = parseExport(stored);
    const exported = parseExport(JSON.stringify(chatbotUiV4Export()));
    expect(parsed).toEqual(exported);
    expect(JSON.stringify(parsed)).not.toContain('the OpenAI key chatbot-ui kept');
    const prompts = parsePromptFile(stored);
    expect(prompts).toEqual(parsePromptFile(JSON.stringify(chatbotUiV4Export())));
    expect(JSON.stringify(prompts)).not.toContain('the OpenAI key chatbot-ui kept');
  });

  it('a value that is not JSON text of a list is an error naming it', () => {
    const broken = { ...chatbotUiBrowserStorage(), conversationHistory: '[{"id": "1", "messa' };
    expect(() => parseExport(JSON.stringify(broken))).toThrow("This chatbot-ui-data.json's conversationHistory is not readable JSON: download it from chatbot-ui again.");
    const notList = { ...chatbotUiBrowserStorage(), folders: '{"__proto__": {"polluted": true}}' };
    expect(() => parseExport(JSON.stringify(notList))).toThrow("This chatbot-ui-data.json's folders is not a list: download it from chatbot-ui again.");
    expect(() => parsePromptFile(JSON.stringify(notList))).toThrow(UnknownFormat);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile chatbot-ui files', () => {
  const chat = (id: string, extra: Record<string, unknown>) => ({ id, name: id, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }], ...extra });

  it('folders by id in a map: ids such as __proto__ or constructor are only names; odd folders are counted, their chats unfiled', () => {
    const file = JSON.parse(JSON.stringify({
      version: 4,
      history: [
        chat('a', { folderId: '__proto__' }),
        chat('b', { folderId: 'constructor' }),
        chat('c', { folderId: 'toString' }),
        chat('d', { folderId: 'missing' }),
        chat('e', { folderId: 'nameless' }),
        chat('f', { folderId: { id: 'x' } }),
      ],
      folders: [
        { id: '__proto__', name: 'Proto', type: 'chat' },
        { id: 'constructor', name: `  ${'Long name '.repeat(20)}`, type: 'chat' },
        { id: 'nameless', name: 42, type: 'chat' },
        'not a folder',
        { id: 'x'.repeat(201), name: 'Too long an id', type: 'chat' },
      ],
      prompts: [],
    }));
    const parsed = parseExport(JSON.stringify(file));
    // A name longer than a project's is shortened at a word, with an ellipsis, as titles are.
    const fits = (name: string) => (name.length <= 100 ? name.slice(0, 10) : 'too long');
    expect(parsed.conversations.map((c) => [c.source_id, c.folder?.source_id, c.folder && fits(c.folder.name)])).toEqual([
      ['a', '__proto__', 'Proto'],
      ['b', 'constructor', 'Long name '],
      ['c', undefined, undefined],
      ['d', undefined, undefined],
      ['e', undefined, undefined],
    ]);
    // The chat whose folderId is an object is not a chat the file describes readably.
    expect(parsed.skipped).toEqual({ folder: 3, unreadable: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a temperature outside 0–2 or not a number is not carried over (counted, or the chat unreadable)', () => {
    const parsed = parseExport(JSON.stringify({ version: 4, history: [chat('hot', { temperature: 7 }), chat('zero', { temperature: 0 }), chat('odd', { temperature: '0.3' })], folders: [], prompts: [] }));
    expect(parsed.conversations.map((c) => [c.source_id, c.temperature])).toEqual([['hot', undefined], ['zero', 0]]);
    expect(parsed.skipped).toEqual({ temperature: 1, unreadable: 1 });
    expect(skippedText('temperature', 1)).toBe("1 chat's temperature outside 0–2 (it answers at the model's default)");
  });

  it('a huge list of folders is read without a project for each: only the folders its chats are in become projects', () => {
    const folders = Array.from({ length: 50_000 }, (_, i) => ({ id: `f${i}`, name: `Folder ${i}`, type: 'chat' }));
    const parsed = parseExport(JSON.stringify({ version: 4, history: [chat('one', { folderId: 'f49999' })], folders, prompts: [] }));
    expect(parsed.conversations.map((c) => c.folder)).toEqual([{ source_id: 'f49999', name: 'Folder 49999' }]);
  });
});
