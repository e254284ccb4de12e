// An account near its 1,000 projects imports chatbot-ui chats with folders: the API brings every
// chat in and names the folders it had no room to make into projects; the report lists them
// under Left out, once each though several batches meet them, saying why and that the chats came in.
import { describe, expect, it, vi } from 'vitest';
import type { Parsed } from './conversations';
import { foldersNotMadeText, runImport } from './run';

const posted = vi.hoisted(() => ({ bodies: [] as { conversations: { source_id: string; folder?: { source_id: string; name: string } | null }[] }[] }));

// The API as it answers at 999 projects: the first folder it meets fits, every other does not.
vi.mock('../api', async (original) => ({
  ...(await original<typeof import('../api')>()),
  browserApi: () => ({
    POST: async (_path: string, { body }: { body: (typeof posted.bodies)[number] }) => {
      posted.bodies.push(body);
      const folders = body.conversations.flatMap((c) => (c.folder && c.folder.source_id !== 'f1' ? [{ ...c.folder, reason: 'project_limit' }] : []));
      const data = {
        results: body.conversations.map((c, i) => ({ source_id: c.source_id, status: 'imported', session_id: `00000000-0000-4000-8000-00000000000${i}`, messages: 1 })),
        folders_not_made: folders.filter((f, i) => folders.findIndex((g) => g.source_id === f.source_id) === i),
      };
      return { data, response: new Response(JSON.stringify(data), { status: 200 }) };
    },
  }),
}));

const chat = (id: string, title: string, folder?: { source_id: string; name: string }) =>
  ({ source: 'chatbot-ui' as const, source_id: id, title, messages: [{ sender: 'user' as const, content: `About ${title}` }], ...(folder ? { folder } : {}) });

describe('folders the account had no room to make into projects', () => {
  it('are listed once under Left out, while every chat counts as imported', async () => {
    const plants = { source_id: 'f2', name: 'Plants' };
    const parsed: Parsed = {
      format: 'chatbot-ui',
      skipped: {},
      conversations: [chat('a', 'Trip', { source_id: 'f1', name: 'Travel' }), chat('b', 'Packing list', plants), chat('c', 'Loose')],
    };
    const report = await runImport(parsed, () => {});
    expect(report.imported.map((c) => c.title)).toEqual(['Trip', 'Packing list', 'Loose']);
    expect(report.failures).toEqual([]);
    expect(report.foldersNotMade).toEqual([{ source_id: 'f2', name: 'Plants', reason: 'project_limit' }]);
    expect(foldersNotMadeText(report.foldersNotMade)).toBe(
      '1 folder not made into a project, since an account holds at most 1,000 projects (its chats came in without one; ' +
        'to file them, delete projects you no longer need and use Move to project…): “Plants”',
    );
  });

  it('reads in the plural, naming five and counting the rest', () => {
    const folders = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((name) => ({ source_id: name, name, reason: 'project_limit' as const }));
    expect(foldersNotMadeText(folders)).toBe(
      '7 folders not made into projects, since an account holds at most 1,000 projects (their chats came in without one; ' +
        'to file them, delete projects you no longer need and use Move to project…): “A”, “B”, “C”, “D”, “E” and 2 more',
    );
  });
});
