// GET /api/search over the text of the files messages carried: a match in a file is a hit on
// the message that carried it, naming the file, with a snippet from the file — ranked, counted
// and paged with the other hits — and each person finds only the files of the messages they
// can read: the owner, a member and a viewer of a group chat, never a member removed after
// uploading, nor a stranger (QA7 #3).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { newChat, searchAs } from '../../../../tests/helpers/search-api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

interface Hit { message_id: string; session_id: string; snippet: string; file_name: string | null; in_reasoning: boolean; shared: boolean }
interface Results { results: Hit[]; total: number; total_kind: string; next_cursor: string | null }

const search = (user: ApiUser, q: string, extra = '') => searchAs<Results>(user, q, extra);

const chat = newChat;

/** A question by `author` in `sessionId` (owned by `owner`) carrying a file with `text`, as the API records one. */
async function askWithFile(sessionId: string, owner: ApiUser, author: ApiUser, content: string, name: string, text: string): Promise<string> {
  const id = randomUUID();
  await api.db.sql`
    insert into public.messages (id, session_id, user_id, author_id, sender, content)
    values (${id}, ${sessionId}, ${owner.id}, ${author.id}, 'user', ${content})`;
  await api.db.sql`insert into public.message_attachments ${api.db.sql({
    message_id: id, user_id: author.id, storage_path: `${author.id}/chat/${randomUUID()}/${name}`,
    name, type: 'text/plain', size: text.length, extracted_text: text,
  })}`;
  return id;
}

describe('search over attached files', () => {
  it('finds a file’s text as a hit on its message, for the people who can read that message only', async () => {
    const [owner, member, viewer, removed, stranger] = await Promise.all(Array.from({ length: 5 }, () => api.createUser()));
    const word = `budget${randomUUID().slice(0, 6)}`;
    const group = await chat(owner, 'Team');
    const own = await chat(owner, 'Mine');
    for (const who of [member, removed]) await joinGroupChat(owner, who, group, 'member');
    await joinGroupChat(owner, viewer, group, 'viewer');
    const ownersQ = await askWithFile(group, owner, owner, 'Please read this', 'agenda.txt', `Item one: the ${word} for next year. Item two: lunch.`);
    const membersQ = await askWithFile(group, owner, member, 'Mine too', 'notes.txt', `My ${word} notes`);
    const removedsQ = await askWithFile(group, owner, removed, 'Before I go', 'old.txt', `An old ${word}`);
    const privateQ = await askWithFile(own, owner, owner, 'Private', 'private.txt', `A private ${word}`);
    expect((await owner.request('DELETE', `/sessions/${group}/members/${removed.id}`)).status).toBe(204);
    const strangersChat = await chat(stranger, 'Theirs');
    const strangersQ = await askWithFile(strangersChat, stranger, stranger, 'Theirs', 'theirs.txt', `Their ${word}`);

    const forOwner = await search(owner, word);
    expect(forOwner.results.map((r) => r.message_id).sort()).toEqual([ownersQ, membersQ, removedsQ, privateQ].sort());
    expect(forOwner).toMatchObject({ total: 4, total_kind: 'exact', next_cursor: null });
    const agenda = forOwner.results.find((r) => r.message_id === ownersQ)!;
    expect(agenda).toMatchObject({ file_name: 'agenda.txt', in_reasoning: false, session_id: group });
    expect(agenda.snippet).toContain(`the «${word}» for next year`);

    for (const who of [member, viewer]) {
      const found = await search(who, word);
      expect(found.results.map((r) => r.message_id).sort()).toEqual([ownersQ, membersQ, removedsQ].sort());
      expect(found.results.every((r) => r.shared && r.file_name !== null)).toBe(true);
      expect(found.total).toBe(3);
    }
    // The removed member uploaded old.txt, but may no longer read the chat it is in.
    expect(await search(removed, word)).toMatchObject({ results: [], total: 0 });
    const forStranger = await search(stranger, word);
    expect(forStranger.results.map((r) => [r.message_id, r.file_name])).toEqual([[strangersQ, 'theirs.txt']]);
    expect(forStranger.total).toBe(1);
  });

  it("quotes the message's own text when that matches too, checks phrases on the file, and quotes a long file where it matches", async () => {
    const owner = await api.createUser();
    const word = `ledger${randomUUID().slice(0, 6)}`;
    const session = await chat(owner, 'Files');
    const both = await askWithFile(session, owner, owner, `Summarise the ${word} please`, 'ledger.txt', `The ${word} totals`);
    const phrase = await askWithFile(session, owner, owner, 'Read it', 'phrase.txt', `the ${word} appendix follows`);
    const apart = await askWithFile(session, owner, owner, 'And this', 'apart.txt', `appendix first, then the ${word}`);
    const long = await askWithFile(session, owner, owner, 'A long one', 'long.txt', `${'filler words here '.repeat(400)}finally the ${word} appears`);

    const all = await search(owner, word);
    expect(all.total).toBe(4);
    expect(all.results.map((r) => r.message_id).sort()).toEqual([both, phrase, apart, long].sort());
    const ownText = all.results.find((r) => r.message_id === both)!;
    expect(ownText).toMatchObject({ file_name: null });
    expect(ownText.snippet).toContain(`Summarise the «${word}» please`);
    const longHit = all.results.find((r) => r.message_id === long)!;
    expect(longHit.file_name).toBe('long.txt');
    expect(longHit.snippet).toContain(`the «${word}» appears`);

    const byPhrase = await search(owner, `"${word} appendix"`);
    expect(byPhrase.results.map((r) => [r.message_id, r.file_name])).toEqual([[phrase, 'phrase.txt']]);
    expect((await search(owner, `${word} -appendix`)).results.map((r) => r.message_id).sort()).toEqual([both, long].sort());
  });

  it('ranks, counts and pages file hits with the other hits, and returns a file’s markup as plain text', async () => {
    const owner = await api.createUser();
    const word = `wombat${randomUUID().slice(0, 6)}`;
    const session = await chat(owner, 'Many');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(i % 2 ? await askWithFile(session, owner, owner, `file ${i}`, `f${i}.txt`, `${word} in file ${i}`)
        : await askWithFile(session, owner, owner, `${word} in text ${i}`, `g${i}.txt`, 'nothing'));
    }
    const markup = await askWithFile(session, owner, owner, 'html', 'page.html', `<img src=x onerror=alert(1)> ${word}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page: Results = await search(owner, word, `&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page).toMatchObject({ total: 13, total_kind: 'exact' });
      seen.push(...page.results.map((r) => r.message_id));
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual([...ids, markup].sort());
    const html = (await search(owner, `${word} onerror`)).results;
    expect(html).toMatchObject([{ message_id: markup, file_name: 'page.html' }]);
    // Plain text, not escaped and not stripped to safe HTML: the client renders it as text.
    expect(html[0]!.snippet).toContain('«onerror»=alert(1)>');
  });
});
