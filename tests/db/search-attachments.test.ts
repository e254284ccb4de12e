// Search over the text of the files messages carried (migration ..._search_attachment_text.sql):
// per actor — owner / uploading member / viewer / a member removed after uploading / stranger —
// the index's functions name exactly the files of the messages each may read, a file row is
// filed under its message's chat and owner whatever its writer says, a handed-over chat's files
// follow it to the heir, and the search reads the index on a table of many files.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function question(sessionId: string, owner: AuthUser, author: AuthUser, content = 'see the file'): Promise<string> {
  const [m] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
    values (${sessionId}, ${owner.id}, ${author.id}, 'user', ${content}) returning id`;
  return m!.id as string;
}

/** What the API records on its privileged connection for a file `author` attached. */
async function attach(messageId: string, author: AuthUser, name: string, text: string, extra: Record<string, string> = {}): Promise<string> {
  const [a] = await db.sql`insert into public.message_attachments ${db.sql({
    message_id: messageId, user_id: author.id, storage_path: `${author.id}/chat/${randomUUID()}/${name}`,
    name, type: 'text/plain', size: text.length, extracted_text: text, ...extra,
  })} returning id`;
  return a!.id as string;
}

interface Source { message_id: string; attachment_id: string | null }
const hits = (who: AuthUser, q: string) => asActor(db.sql, who, (tx) =>
  tx<Source[]>`select message_id, attachment_id from public.search_message_hits(websearch_to_tsquery('simple', ${q}), 50)`);
const count = async (who: AuthUser, q: string) => (await asActor(db.sql, who, (tx) =>
  tx`select public.count_message_matches(websearch_to_tsquery('simple', ${q}), 100) as n`))[0]!.n as number;

describe('search over attachment text', () => {
  it('names the files of the messages each actor can read, and nothing of anyone else', async () => {
    const [owner, member, viewer, removed, stranger] = await Promise.all(Array.from({ length: 5 }, () => createAuthUser(db.sql)));
    const word = `budget${randomUUID().slice(0, 6)}`;
    const [group] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const [own] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const [strangers] = await db.sql`insert into public.chat_sessions (user_id) values (${stranger.id}) returning id`;
    for (const [who, role] of [[member, 'member'], [viewer, 'viewer'], [removed, 'member']] as const) {
      await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${group!.id}, ${owner.id}, ${who.id}, ${role})`;
    }
    const ownersQ = await question(group!.id, owner, owner);
    const membersQ = await question(group!.id, owner, member);
    const removedsQ = await question(group!.id, owner, removed);
    const privateQ = await question(own!.id, owner, owner);
    const strangersQ = await question(strangers!.id, stranger, stranger);
    const ownersFile = await attach(ownersQ, owner, 'agenda.txt', `the ${word} for May`);
    const membersFile = await attach(membersQ, member, 'notes.txt', `my ${word} notes`);
    const removedsFile = await attach(removedsQ, removed, 'old.txt', `an old ${word}`);
    const privateFile = await attach(privateQ, owner, 'private.txt', `private ${word}`);
    const strangersFile = await attach(strangersQ, stranger, 'theirs.txt', `their ${word}`);
    await db.sql`delete from public.session_members where session_id = ${group!.id} and user_id = ${removed.id}`;

    const groupFiles = [[ownersQ, ownersFile], [membersQ, membersFile], [removedsQ, removedsFile]];
    const sorted = (rows: Source[]) => rows.map((r) => [r.message_id, r.attachment_id]).sort();
    expect(sorted(await hits(owner, word))).toEqual([...groupFiles, [privateQ, privateFile]].sort());
    expect(await count(owner, word)).toBe(4);
    for (const who of [member, viewer]) {
      expect(sorted(await hits(who, word))).toEqual(groupFiles.sort());
      expect(await count(who, word)).toBe(3);
    }
    // The removed member still owns their file's row, but not the chat it is in: not found.
    expect(await hits(removed, word)).toEqual([]);
    expect(await count(removed, word)).toBe(0);
    expect(sorted(await hits(stranger, word))).toEqual([[strangersQ, strangersFile]]);
    expect(await count(stranger, word)).toBe(1);
    expect(await asActor(db.sql, 'anon', (tx) => tx`select public.search_message_hits(websearch_to_tsquery('simple', ${word}), 5)`)
      .catch((e: Error) => e.message)).toMatch(/permission denied/);
  });

  it('names a message once per source — its own text and each matching file — and counts it once', async () => {
    const owner = await createAuthUser(db.sql);
    const word = `ledger${randomUUID().slice(0, 6)}`;
    const [s] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const q = await question(s!.id, owner, owner, `about the ${word}`);
    const f1 = await attach(q, owner, 'a.txt', `${word} one`);
    const f2 = await attach(q, owner, 'b.txt', `${word} two`);
    await attach(q, owner, 'c.txt', 'nothing here');
    await attach(q, owner, 'd.png', '');
    const rows = await hits(owner, word);
    expect(rows.map((r) => r.attachment_id).sort()).toEqual([f1, f2, null].sort());
    expect(rows.every((r) => r.message_id === q)).toBe(true);
    expect(await count(owner, word)).toBe(1);
  });

  it("files a row under its message's chat and owner whatever the writer says, and a handed-over chat's files follow it", async () => {
    const [owner, member, other] = await Promise.all(Array.from({ length: 3 }, () => createAuthUser(db.sql)));
    const word = `plinth${randomUUID().slice(0, 6)}`;
    const [group] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const [others] = await db.sql`insert into public.chat_sessions (user_id) values (${other.id}) returning id`;
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${group!.id}, ${owner.id}, ${member.id}, 'member')`;
    const q = await question(group!.id, owner, member);
    // A writer naming another user's chat is overruled: the row is the message's chat's.
    const file = await attach(q, member, 'plan.txt', `the ${word}`, { session_id: others!.id, owner_id: other.id });
    const [row] = await db.sql`select session_id, owner_id from public.message_attachments where id = ${file}`;
    expect(row).toEqual({ session_id: group!.id, owner_id: owner.id });
    expect(await hits(other, word)).toEqual([]);

    // The owner deletes their account: the chat goes to its member, and so does finding its files.
    await db.sql`delete from auth.users where id = ${owner.id}`;
    const [moved] = await db.sql`select session_id, owner_id from public.message_attachments where id = ${file}`;
    expect(moved).toEqual({ session_id: group!.id, owner_id: member.id });
    expect((await hits(member, word)).map((r) => r.attachment_id)).toEqual([file]);
  });

  it('finds files through the index among many', async () => {
    const [owner, ...others] = await Promise.all(Array.from({ length: 4 }, () => createAuthUser(db.sql)));
    const word = `zeugma${randomUUID().slice(0, 6)}`;
    // 4 users × 50 chats × 25 questions, each with a file of ~60 words: 5,000 files; the
    // owner's own rare word is in 3 of them, a common word ('common') in all.
    for (const user of [owner, ...others]) {
      await db.sql`
        with s as (insert into public.chat_sessions (user_id) select ${user.id} from generate_series(1, 50) returning id),
             m as (insert into public.messages (session_id, user_id, author_id, sender, content)
                   select s.id, ${user.id}, ${user.id}, 'user', 'question ' || g from s, generate_series(1, 25) g returning id)
        insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, extracted_text)
        select m.id, ${user.id}, ${user.id} || '/chat/' || m.id || '/f.txt', 'f.txt', 'text/plain', 400,
               'common ' || repeat(md5(m.id::text) || ' words of a file ', 15)
          from m`;
    }
    const mine = await db.sql`select a.id from public.message_attachments a where a.owner_id = ${owner.id} limit 3`;
    await db.sql`update public.message_attachments set extracted_text = extracted_text || ${' ' + word} where id in ${db.sql(mine.map((r) => r.id))}`;
    await db.sql`analyze public.message_attachments`;

    // Not as the caller (RLS keeps the planner off an index for @@): as the function runs it.
    const ownerPlan = await db.sql`explain (analyze, format json)
      select a.id from public.message_attachments a
       where public.attachment_search_vector(a.session_id, a.owner_id, a.extracted_text)
             @@ (websearch_to_tsquery('simple', 'common') && ${`'u ${owner.id}'`}::tsquery)
         and a.extracted_text <> ''`;
    const text = JSON.stringify(ownerPlan[0]!['QUERY PLAN']);
    expect(text).toContain('message_attachments_search_idx');
    expect(text).not.toContain('"Node Type":"Seq Scan"');

    const timed = async (q: string) => {
      const t = performance.now();
      const rows = await hits(owner, q);
      const n = await count(owner, q);
      return { rows: rows.length, n, ms: performance.now() - t };
    };
    const rare = await timed(word);
    const common = await timed('common');
    expect(rare).toMatchObject({ rows: 3, n: 3 });
    expect(common).toMatchObject({ rows: 50, n: 100 });
    console.log(`index scan for 'common': ${(ownerPlan[0]!['QUERY PLAN'] as { 'Execution Time': number }[])[0]!['Execution Time']} ms`);
    console.log(`5,000 files: rare word ${rare.ms.toFixed(1)} ms, a word in every file of the caller's 1,250 ${common.ms.toFixed(1)} ms (names + count)`);
  }, 120_000);
});
