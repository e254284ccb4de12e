// Reading export files into importable conversations: ChatGPT's mapping tree (the path to
// current_node, text parts only, with a tally of what was left out) and this app's export;
// and cutting them into request bodies under the size budget.
import { describe, expect, it } from 'vitest';
import { chatGptExport, expectedChatGptImport } from '../../../../tests/fixtures/chatgpt-export';
import { BATCH_BYTES, endsConversation, toBatches } from './batches';
import { isChatGptExport, parseChatGpt } from './chatgpt';
import { skippedText, type Conversation } from './conversations';
import { isMrPromptExport, parseMrPrompt } from './mrprompt';
import { parseExport, readExportFile, UnknownFormat } from './run';
import { strToU8, zipSync } from 'fflate';
import { chatJson } from '../../../../supabase/functions/api/lib/chat-export';

describe('ChatGPT conversations.json', () => {
  it('keeps the user and assistant text on the path to current_node and counts what it leaves out', () => {
    const data: unknown = JSON.parse(JSON.stringify(chatGptExport()));
    expect(isChatGptExport(data)).toBe(true);
    if (!isChatGptExport(data)) return;
    const parsed = parseChatGpt(data);
    expect(parsed.conversations.map((c) => ({ title: c.title, messages: c.messages.map((m) => m.content) }))).toEqual(expectedChatGptImport.chats);
    expect(parsed.skipped).toEqual(expectedChatGptImport.skipped);
    const [picture] = parsed.conversations;
    expect(picture).toMatchObject({ source: 'chatgpt', source_id: 'conv-picture', created_at: '2024-03-01T10:00:00.000Z' });
    expect(picture.messages[1]).toEqual({ sender: 'assistant', content: 'Hello! How can I help?', created_at: '2024-03-01T10:00:04.000Z', model: 'gpt-4o', source_id: 'v2' });
    expect(picture.messages[0].model).toBeNull();
  });

  it('without current_node follows the newest branch; unreadable conversations are counted, not fatal', () => {
    const [picture] = chatGptExport();
    const parsed = parseChatGpt([{ ...picture, current_node: undefined }, { title: 'no mapping' }, { mapping: 'nope', id: 'x' }]);
    expect(parsed.conversations[0].messages.map((m) => m.content)).toEqual(expectedChatGptImport.chats[0].messages);
    expect(parsed.skipped.unreadable).toBe(2);
  });

  it('keeps what was said in a voice conversation (its transcriptions), leaving out the audio', () => {
    const audio = (direction: string) => ({ content_type: 'audio_asset_pointer', asset_pointer: `sediment://file_${direction}`, format: 'wav' });
    const said = (text: string, direction: string) => ({ content_type: 'audio_transcription', text, direction, decoding_id: null });
    const node = (id: string, parent: string | null, role: string, parts: unknown[], time: number) => ({
      id, parent, children: [],
      message: { id, author: { role }, create_time: time, content: { content_type: 'multimodal_text', parts }, metadata: {}, recipient: 'all' },
    });
    const data: unknown = [{
      id: 'conv-voice', title: 'Voice chat', create_time: 1_700_000_000, current_node: 'a1',
      mapping: {
        root: { id: 'root', parent: null, children: ['u1'], message: null },
        u1: node('u1', 'root', 'user', [said('What should I cook tonight?', 'in'), audio('in')], 1_700_000_001),
        a1: node('a1', 'u1', 'assistant', [said('How about a mushroom risotto?', 'out'), audio('out')], 1_700_000_002),
      },
    }];
    expect(isChatGptExport(data)).toBe(true);
    if (!isChatGptExport(data)) return;
    const parsed = parseChatGpt(data);
    expect(parsed.conversations.map((c) => c.messages.map((m) => [m.sender, m.content]))).toEqual([
      [['user', 'What should I cook tonight?'], ['assistant', 'How about a mushroom risotto?']],
    ]);
    expect(parsed.skipped).toEqual({ non_text: 2 });
  });

  it('reports what was left out in the singular for one', () => {
    expect(skippedText('hidden', 1)).toBe('1 hidden message');
    expect(skippedText('hidden', 2)).toBe('2 hidden messages');
    expect(skippedText('no_messages', 1)).toBe('1 conversation without any text messages');
  });

  it('keeps a document or code written in canvas (canmore.create_textdoc), not only the chat around it', () => {
    const node = (id: string, parent: string | null, role: string, content: unknown, recipient = 'all') => ({
      id, parent, children: [], message: { id, author: { role }, create_time: 1_700_000_000, content, metadata: {}, recipient },
    });
    const canvas = (name: string, type: string, body: string) => ({ content_type: 'code', language: 'json', text: JSON.stringify({ name, type, content: body }) });
    const data: unknown = [{
      id: 'conv-canvas', title: 'Cover letter', current_node: 'done',
      mapping: {
        ask: node('ask', null, 'user', { content_type: 'text', parts: ['Draft a cover letter, and a script to count its words.'] }),
        doc: node('doc', 'ask', 'assistant', canvas('Cover letter', 'document', 'Dear Ms. Rivera,\n\nI am writing to apply…'), 'canmore.create_textdoc'),
        ok1: node('ok1', 'doc', 'tool', { content_type: 'text', parts: ['Successfully created text document'] }),
        code: node('code', 'ok1', 'assistant', canvas('count_words', 'code/python', 'print(len(open("letter.txt").read().split()))'), 'canmore.create_textdoc'),
        ok2: node('ok2', 'code', 'tool', { content_type: 'text', parts: ['Successfully created text document'] }),
        edit: node('edit', 'ok2', 'assistant', { content_type: 'code', text: JSON.stringify({ updates: [{ pattern: '.*', replacement: 'x' }] }) }, 'canmore.update_textdoc'),
        done: node('done', 'edit', 'assistant', { content_type: 'text', parts: ['Both are in the canvas.'] }),
      },
    }];
    if (!isChatGptExport(data)) throw new Error('not recognised');
    const parsed = parseChatGpt(data);
    expect(parsed.conversations[0].messages.map((m) => [m.sender, m.content])).toEqual([
      ['user', 'Draft a cover letter, and a script to count its words.'],
      ['assistant', '**Cover letter** (canvas)\n\nDear Ms. Rivera,\n\nI am writing to apply…'],
      ['assistant', '**count_words** (canvas)\n\n```python\nprint(len(open("letter.txt").read().split()))\n```'],
      ['assistant', 'Both are in the canvas.'],
    ]);
    // The tool's acknowledgements and the edit (a pattern to replay, not text) are counted as left out.
    expect(parsed.skipped).toEqual({ tool: 3 });
  });

  it('one damaged conversation in the file does not turn the whole file away', () => {
    const [picture] = chatGptExport();
    const data: unknown = JSON.parse(JSON.stringify([picture, { title: 'cut short' }, null]));
    expect(isChatGptExport(data)).toBe(true);
    expect(() => parseExport(JSON.stringify(data))).not.toThrow();
    const parsed = parseExport(JSON.stringify(data));
    expect(parsed.conversations.map((c) => c.source_id)).toEqual(['conv-picture']);
    expect(parsed.skipped.unreadable).toBe(2);
  });

  it('is not mistaken for other JSON', () => {
    expect(isChatGptExport([{ title: 'no mapping anywhere' }, null])).toBe(false);
    expect(isChatGptExport({ sessions: [] })).toBe(false);
    expect(isChatGptExport([])).toBe(false);
    expect(isMrPromptExport(chatGptExport())).toBe(false);
  });
});

describe("this app's export", () => {
  it('keeps user and assistant text, leaves out system and empty messages', () => {
    const data = {
      format: 'mrprompt-export/1',
      sessions: [
        {
          id: '6f9619ff-8b86-4011-b42d-00c04fc964ff', title: 'Exported', created_at: '2024-05-01T08:00:00.000Z',
          messages: [
            { id: 'a', sender: 'system', content: 'Be brief.', created_at: '2024-05-01T08:00:00.000Z' },
            { id: 'b', sender: 'user', content: 'Hello', created_at: '2024-05-01T08:00:01.000Z' },
            { id: 'c', sender: 'assistant', content: 'Hi!', model: 'demo-model', created_at: '2024-05-01T08:00:02.000Z' },
            { id: 'd', sender: 'assistant', content: '', status: 'error', created_at: '2024-05-01T08:00:03.000Z' },
          ],
        },
        { id: 'empty', title: 'Nothing', messages: [] },
      ],
    };
    expect(isMrPromptExport(data)).toBe(true);
    const parsed = parseMrPrompt(data);
    expect(parsed.conversations).toEqual([
      {
        source: 'mrprompt', source_id: '6f9619ff-8b86-4011-b42d-00c04fc964ff', title: 'Exported', created_at: '2024-05-01T08:00:00.000Z',
        messages: [
          { sender: 'user', content: 'Hello', created_at: '2024-05-01T08:00:01.000Z', model: null, source_id: 'b' },
          { sender: 'assistant', content: 'Hi!', created_at: '2024-05-01T08:00:02.000Z', model: 'demo-model', source_id: 'c' },
        ],
      },
    ]);
    expect(parsed.skipped).toEqual({ system: 1, empty: 1, no_messages: 1 });
  });
});

describe('one chat downloaded as JSON (Download › JSON, format mrprompt-chat/1)', () => {
  it('is recognised and imports like a session of the account export', () => {
    const message = (id: string, sender: 'user' | 'assistant' | 'system', content: string, minute: number) => ({
      id, parent_id: null, sender, author_id: null, author_name: null, content, reasoning: '', status: 'complete' as const, error: null, error_code: null,
      provider: sender === 'assistant' ? 'demo' : null, model: sender === 'assistant' ? 'demo-model' : null,
      prompt_tokens: null, completion_tokens: null, latency_ms: null, created_at: `2026-11-02T09:0${minute}:00.000Z`,
      // The files a message carried are listed in the download and left out of an import.
      attachments: sender === 'user' ? [{ name: 'plan.pdf', type: 'application/pdf', size: 590, tokens: 120, truncated: false }] : [],
    });
    const file = chatJson({
      session: { id: '0192a4c4-8b86-7011-b42d-00c04fc964ff', title: 'Trip plan', created_at: '2026-11-02T09:00:00.000Z' },
      messages: [message('s', 'system', 'Be brief.', 0), message('u', 'user', 'Where to in May?', 1), message('a', 'assistant', 'Lisbon.', 2)],
      exportedAt: '2026-12-01T00:00:00.000Z', viewerId: 'me',
    });
    const parsed = parseExport(file);
    expect(parsed.format).toBe('mrprompt');
    expect(parsed.conversations).toEqual([{
      source: 'mrprompt', source_id: '0192a4c4-8b86-7011-b42d-00c04fc964ff', title: 'Trip plan', created_at: '2026-11-02T09:00:00.000Z',
      messages: [
        { sender: 'user', content: 'Where to in May?', created_at: '2026-11-02T09:01:00.000Z', model: null, source_id: 'u' },
        { sender: 'assistant', content: 'Lisbon.', created_at: '2026-11-02T09:02:00.000Z', model: 'demo-model', source_id: 'a' },
      ],
    }]);
    expect(parsed.skipped).toEqual({ system: 1 });
  });
});

describe('batches', () => {
  const conversation = (id: string, sizes: number[]): Conversation => ({
    source: 'chatgpt', source_id: id, title: id, messages: sizes.map((n, i) => ({ sender: i % 2 ? 'assistant' : 'user', content: 'x'.repeat(n) })),
  });

  it('packs whole conversations under the budget, splits a long one into ordered parts, and drops only messages a chat cannot hold', () => {
    const skipped = {};
    const batches = toBatches([conversation('a', [100, 100]), conversation('b', [3000, 3000, 3000]), conversation('c', [200_001]), conversation('d', [10])], skipped, 5_000);
    for (const batch of batches) expect(new TextEncoder().encode(JSON.stringify({ conversations: batch.conversations })).length).toBeLessThanOrEqual(5_000);
    const parts = batches.flatMap((b) => b.conversations);
    expect(parts.map((p) => [p.source_id, p.offset, p.messages.length, p.total])).toEqual([
      ['a', 0, 2, 2], ['b', 0, 1, 3], ['b', 1, 1, 3], ['b', 2, 1, 3], ['d', 0, 1, 1],
    ]);
    expect(batches.reduce((n, b) => n + b.finishes, 0)).toBe(3);
    expect(skipped).toEqual({ too_large: 1, no_messages: 1 });
  });

  it('sends a message longer than a request may be (100 000 CJK characters, emoji) in pieces, in order, losing nothing', () => {
    const cjk = '漢字かな交じり文'.repeat(12_500); // 100 000 characters, 300 000 bytes
    const emoji = '🙂👍🏽'.repeat(40_000); // 120 000 characters (code points), 480 000 bytes
    const chat: Conversation = {
      source: 'chatgpt', source_id: 'long', title: 'Long',
      messages: [{ sender: 'user', content: 'Translate this' }, { sender: 'assistant', content: cjk }, { sender: 'user', content: emoji }, { sender: 'assistant', content: 'Done' }],
    };
    const skipped = {};
    const batches = toBatches([chat], skipped);
    expect(skipped).toEqual({});
    for (const batch of batches) expect(new TextEncoder().encode(JSON.stringify({ conversations: batch.conversations })).length).toBeLessThanOrEqual(BATCH_BYTES);
    const parts = batches.flatMap((b) => b.conversations);
    // Each piece that continues a message opens its part; one that leaves it unfinished closes it.
    for (const part of parts) {
      part.messages.forEach((m, i) => {
        if (m.content_offset > 0) expect(i).toBe(0);
        if (m.content_total != null && m.content_offset + [...m.content].length < m.content_total) expect(i).toBe(part.messages.length - 1);
      });
    }
    // Put back together by message index, the conversation is exactly what the file said.
    const rebuilt: string[] = [];
    for (const part of parts) {
      part.messages.forEach((m, i) => {
        const index = part.offset + i;
        expect([...(rebuilt[index] ?? '')].length).toBe(m.content_offset);
        rebuilt[index] = (rebuilt[index] ?? '') + m.content;
      });
    }
    expect(rebuilt).toEqual(chat.messages.map((m) => m.content));
    expect(parts.filter((p) => p.messages.some((m) => m.content_total === 100_000)).length).toBeGreaterThan(1);
    expect(parts.map(endsConversation)).toEqual(parts.map((_, i) => i === parts.length - 1));
    expect(batches.reduce((n, b) => n + b.finishes, 0)).toBe(1);
  });
});

describe('reading a file too large for the browser', () => {
  it('says it is too large, rather than passing on the engine\'s "Invalid string length" or calling it not JSON', async () => {
    const huge = { size: 2_400_000_000, arrayBuffer: () => Promise.reject(new RangeError('Array buffer allocation failed')) } as unknown as Blob;
    await expect(readExportFile(huge)).rejects.toThrow(new UnknownFormat('This file (2,400 MB) is too large for this browser to read at once.'));
    const parse = JSON.parse;
    JSON.parse = () => { throw new RangeError('Invalid string length'); };
    try {
      expect(() => parseExport('[]')).toThrow(/too large for this browser to read at once/);
    } finally {
      JSON.parse = parse;
    }
  });
});

describe('reading the file', () => {
  it("takes JSON as it is, and conversations.json out of ChatGPT's export zip", async () => {
    const json = JSON.stringify(chatGptExport());
    await expect(readExportFile(new Blob([json]))).resolves.toBe(json);
    const zip = zipSync({ 'chat.html': strToU8('<html></html>'), 'conversations.json': strToU8(json) });
    await expect(readExportFile(new Blob([zip]))).resolves.toBe(json);
    await expect(readExportFile(new Blob([zipSync({ 'a.txt': strToU8('x') })]))).rejects.toThrow(UnknownFormat);
    await expect(readExportFile(new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])]))).rejects.toThrow(UnknownFormat);
  });
});
