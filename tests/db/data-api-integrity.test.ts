// What a signed-in user can do straight to the tables with their own token — exactly what
// PostgREST (the Data API on hosted Supabase) would run as `authenticated` — must never
// break a rule the app relies on (issue 10). Each case is a write the API function would
// refuse; here the database refuses it on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
let alice: AuthUser;
let bob: AuthUser;
beforeAll(async () => {
  db = await createTestDatabase();
  alice = await createAuthUser(db.sql);
  bob = await createAuthUser(db.sql);
});
afterAll(async () => { await db.drop(); });

const as = <T>(user: AuthUser, fn: Parameters<typeof asActor<T>>[2]) => asActor(db.sql, user, fn);

describe('ownership across tables', () => {
  it('a session cannot be filed under another user\'s project, nor a project use a private prompt of theirs', async () => {
    const [bobProject] = await as(bob, (tx) => tx`insert into public.projects (user_id, name) values (${bob.id}, 'Bob') returning id`);
    const [bobPrompt] = await as(bob, (tx) => tx`insert into public.prompts (user_id, title, content) values (${bob.id}, 'Private', 'secret') returning id`);
    await expect(as(alice, (tx) => tx`insert into public.chat_sessions (user_id, project_id) values (${alice.id}, ${bobProject!.id})`)).rejects.toThrow(RLS_VIOLATION);
    await expect(as(alice, (tx) => tx`insert into public.projects (user_id, name, system_prompt_id) values (${alice.id}, 'A', ${bobPrompt!.id})`)).rejects.toThrow(RLS_VIOLATION);
    await expect(as(alice, (tx) => tx`insert into public.prompts (user_id, title, content, forked_from) values (${alice.id}, 'Fork', 'x', ${bobPrompt!.id})`)).rejects.toThrow();
    await expect(as(alice, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version) values (${bobPrompt!.id}, 'mine', 1)`)).rejects.toThrow(RLS_VIOLATION);
  });

  it('rows cannot be handed to another user', async () => {
    const [project] = await as(alice, (tx) => tx`insert into public.projects (user_id, name) values (${alice.id}, 'Mine') returning id`);
    await expect(as(alice, (tx) => tx`update public.projects set user_id = ${bob.id} where id = ${project!.id}`)).rejects.toThrow(RLS_VIOLATION);
  });
});

describe('columns the user may not set', () => {
  it('profiles.role (no self-promotion to admin)', async () => {
    await expect(as(alice, (tx) => tx`update public.profiles set role = 'admin' where id = ${alice.id}`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('prompts.latest_version follows the history, not the client; a private prompt shares no label', async () => {
    const [p] = await as(alice, (tx) => tx`insert into public.prompts (user_id, title, content, latest_version) values (${alice.id}, 'T', 'v1', 42) returning id, latest_version`);
    expect(p!.latest_version).toBe(1);
    await as(alice, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'production', 1)`);
    const [u] = await as(alice, (tx) => tx`
      update public.prompts set latest_version = 7, shared_label = 'production' where id = ${p!.id}
      returning latest_version, shared_label, public.shared_prompt_version(id) as shared_version`);
    expect(u).toEqual({ latest_version: 1, shared_label: null, shared_version: null });
  });

  it('prompt history is immutable', async () => {
    const [p] = await as(alice, (tx) => tx`insert into public.prompts (user_id, title, content) values (${alice.id}, 'H', 'original') returning id`);
    const changed = await as(alice, (tx) => tx`update public.prompt_versions set content = 'rewritten' where prompt_id = ${p!.id} returning id`).catch(() => []);
    expect(changed).toEqual([]);
    const [v] = await db.sql`select content from public.prompt_versions where prompt_id = ${p!.id}`;
    expect(v!.content).toBe('original');
  });

  it('api_credentials: no key, provider or base URL written directly', async () => {
    await expect(as(alice, (tx) => tx`insert into public.api_credentials (user_id, provider, encrypted_key, base_url) values (${alice.id}, 'custom', 'v1.a.b', 'https://evil.example')`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('times the user may not forge (ordering, keyset pagination, the public library)', () => {
  const past = '2001-01-01T00:00:00Z';
  const future = '2099-01-01T00:00:00Z';
  const isNow = (t: Date) => Math.abs(t.getTime() - Date.now()) < 60 * 60 * 1000;

  it('inserts take the server time for created_at, updated_at and last_message_at', async () => {
    const [prompt] = await as(alice, (tx) => tx`insert into public.prompts (user_id, title, content, is_public, created_at, updated_at)
      values (${alice.id}, 'Top of the library', 'x', true, ${past}, ${future}) returning id, created_at, updated_at`);
    const [project] = await as(alice, (tx) => tx`insert into public.projects (user_id, name, created_at, updated_at)
      values (${alice.id}, 'P', ${past}, ${future}) returning id, created_at, updated_at`);
    const [session] = await as(alice, (tx) => tx`insert into public.chat_sessions (user_id, created_at, updated_at, last_message_at)
      values (${alice.id}, ${past}, ${future}, ${future}) returning created_at, updated_at, last_message_at`);
    const [label] = await as(alice, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version, created_at, updated_at)
      values (${prompt!.id}, 'production', 1, ${past}, ${future}) returning created_at, updated_at`);
    // (file_metadata: only the API function inserts it, 20261203150100_restrict_project_file_writes.sql.)
    for (const row of [prompt, project, session, label]) {
      for (const [column, value] of Object.entries(row!)) if (value instanceof Date) expect(isNow(value), column).toBe(true);
    }
  });

  it('updates keep created_at and last_message_at, and stamp updated_at', async () => {
    const [prompt] = await as(alice, (tx) => tx`insert into public.prompts (user_id, title, content) values (${alice.id}, 'T', 'x') returning id, created_at`);
    const [u] = await as(alice, (tx) => tx`update public.prompts set created_at = ${past}, updated_at = ${future} where id = ${prompt!.id} returning created_at, updated_at`);
    expect(u!.created_at).toEqual(prompt!.created_at);
    expect(isNow(u!.updated_at)).toBe(true);
    const [session] = await as(alice, (tx) => tx`insert into public.chat_sessions (user_id) values (${alice.id}) returning id, created_at, last_message_at`);
    const [s] = await as(alice, (tx) => tx`update public.chat_sessions set created_at = ${past}, last_message_at = ${future} where id = ${session!.id} returning created_at, last_message_at`);
    expect(s).toEqual({ created_at: session!.created_at, last_message_at: session!.last_message_at });
  });

  it('a new message still moves its chat up the sidebar (the database does that, not the user)', async () => {
    const [session] = await as(alice, (tx) => tx`insert into public.chat_sessions (user_id) values (${alice.id}) returning id, last_message_at`);
    await db.sql`update public.chat_sessions set last_message_at = ${past} where id = ${session!.id}`;
    // Messages are written by the function's privileged path (users cannot insert them).
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${alice.id}, 'user', 'hi')`;
    const [after] = await db.sql`select last_message_at from public.chat_sessions where id = ${session!.id}`;
    expect(isNow(after!.last_message_at)).toBe(true);
  });
});

describe('text and size limits', () => {
  it.each([
    ['profiles.display_name', (tx: any) => tx`update public.profiles set display_name = ${'n'.repeat(101)} where id = ${alice.id}`],
    ['profiles.custom_instructions', (tx: any) => tx`update public.profiles set custom_instructions = ${'c'.repeat(8001)} where id = ${alice.id}`],
    ['profiles.avatar_url (javascript:)', (tx: any) => tx`update public.profiles set avatar_url = 'javascript:alert(1)' where id = ${alice.id}`],
    ['profiles.preferences (size)', (tx: any) => tx`update public.profiles set preferences = ${tx.json({ x: 'p'.repeat(20_000) })} where id = ${alice.id}`],
    ['projects.name', (tx: any) => tx`insert into public.projects (user_id, name) values (${alice.id}, ${'p'.repeat(101)})`],
    ['projects.description', (tx: any) => tx`insert into public.projects (user_id, name, description) values (${alice.id}, 'ok', ${'d'.repeat(2001)})`],
    ['chat_sessions.title', (tx: any) => tx`insert into public.chat_sessions (user_id, title) values (${alice.id}, ${'t'.repeat(201)})`],
    ['chat_sessions.metadata (size)', (tx: any) => tx`insert into public.chat_sessions (user_id, metadata) values (${alice.id}, ${tx.json({ x: 'm'.repeat(20_000) })})`],
    ['prompts.content', (tx: any) => tx`insert into public.prompts (user_id, title, content) values (${alice.id}, 'big', ${'x'.repeat(100_001)})`],
    ['prompts.tags', (tx: any) => tx`insert into public.prompts (user_id, title, content, tags) values (${alice.id}, 't', 'c', ${['Bad Tag']})`],
    ['prompt_labels.label', (tx: any) => tx`insert into public.prompt_labels (prompt_id, label, version) select id, 'Not A Label', 1 from public.prompts where user_id = ${alice.id} limit 1`],
  ])('%s is limited', async (_name, write) => {
    await expect(as(alice, write)).rejects.toThrow(/check constraint|violates/);
  });
});

describe('row quotas (a script cannot fill the database)', () => {
  it('at most 50 labels per prompt, counted under a lock', async () => {
    const [p] = await as(alice, (tx) => tx`insert into public.prompts (user_id, title, content) values (${alice.id}, 'Labelled', 'x') returning id`);
    await as(alice, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version) select ${p!.id}, 'l' || g, 1 from generate_series(1, 50) g`);
    await expect(as(alice, (tx) => tx`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'one-more', 1)`))
      .rejects.toThrow(/prompt_labels limit reached/);
    // Nor by the owner connection: a quota holds whoever writes (20261207000000_enforce_row_quotas_for_every_writer.sql).
    await expect(db.sql`insert into public.prompt_labels (prompt_id, label, version) values (${p!.id}, 'by-owner', 1)`)
      .rejects.toThrow(/prompt_labels limit reached/);
  });

  it('at most 50,000 chat sessions per user (20261203195100_add_session_and_test_case_quotas.sql)', async () => {
    const dave = await createAuthUser(db.sql);
    await db.sql`insert into public.chat_sessions (user_id) select ${dave.id} from generate_series(1, 50000)`;
    await expect(as(dave, (tx) => tx`insert into public.chat_sessions (user_id) values (${dave.id})`))
      .rejects.toThrow(/chat_sessions limit reached/);
    // Nor through fork_session, which inserts as its definer (20261203195200_count_rpc_inserts_in_row_quotas.sql).
    const [mine] = await db.sql`select id from public.chat_sessions where user_id = ${dave.id} limit 1`;
    await expect(as(dave, (tx) => tx`select public.fork_session(${mine!.id}, null, null)`)).rejects.toThrow(/chat_sessions limit reached/);
    // Nor through the function's own connection (chat turns, imports: tests/db/row-quotas.test.ts); others are unaffected.
    await expect(db.sql`insert into public.chat_sessions (user_id) values (${dave.id})`).rejects.toThrow(/chat_sessions limit reached/);
    await as(alice, (tx) => tx`insert into public.chat_sessions (user_id) values (${alice.id})`);
  });

  it('at most 10,000 prompt test cases per user', async () => {
    const erin = await createAuthUser(db.sql);
    const [p] = await db.sql`insert into public.prompts (user_id, title, content) values (${erin.id}, 'Tested', 'x') returning id`;
    await db.sql`insert into public.prompt_test_cases (prompt_id, user_id, name) select ${p!.id}, ${erin.id}, 'case ' || g from generate_series(1, 10000) g`;
    await expect(as(erin, (tx) => tx`insert into public.prompt_test_cases (prompt_id, user_id, name) values (${p!.id}, ${erin.id}, 'one more')`))
      .rejects.toThrow(/prompt_test_cases limit reached/);
  });

  it('at most 1,000 projects per user', async () => {
    const carol = await createAuthUser(db.sql);
    await db.sql`insert into public.projects (user_id, name) select ${carol.id}, 'p' || g from generate_series(1, 1000) g`;
    await expect(as(carol, (tx) => tx`insert into public.projects (user_id, name) values (${carol.id}, 'one too many')`))
      .rejects.toThrow(/projects limit reached/);
    // Others are unaffected.
    await as(alice, (tx) => tx`insert into public.projects (user_id, name) values (${alice.id}, 'fine')`);
  });
});
