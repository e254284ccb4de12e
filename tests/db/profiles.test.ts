// profiles: created by the auth.users trigger; readable and partly editable by the owner only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED } from '../helpers/actors.ts';
import { createTestDatabase, createTestDatabaseBefore, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const nameOf = async (id: string, database = db) =>
  (await database.sql<{ display_name: string }[]>`select display_name from public.profiles where id = ${id}`)[0]!.display_name;

describe('profiles: the sign-up trigger', () => {
  it('creates a profile named from the sign-up metadata', async () => {
    const user = await createAuthUser(db.sql, { metadata: { display_name: 'Ada Lovelace' } });
    const [profile] = await db.sql`select display_name, role, custom_instructions, preferences from public.profiles where id = ${user.id}`;
    expect(profile).toEqual({ display_name: 'Ada Lovelace', role: 'user', custom_instructions: '', preferences: {} });
  });

  it("keeps an OAuth provider's full_name or name", async () => {
    const full = await createAuthUser(db.sql, { metadata: { full_name: 'Grace Hopper', name: 'ghopper' } });
    const named = await createAuthUser(db.sql, { metadata: { name: 'Alan Turing' } });
    expect(await nameOf(full.id)).toBe('Grace Hopper');
    expect(await nameOf(named.id)).toBe('Alan Turing');
  });

  // Everyone in a group chat sees the name: one made from the address would give it away.
  it('names an account that sent no name neutrally, never after its address', async () => {
    const user = await createAuthUser(db.sql, { email: 'grace.hopper.1906@example.test' });
    const name = await nameOf(user.id);
    expect(name).toBe(`User ${user.id.slice(-4)}`);
    expect(name).not.toContain('grace');
  });

  it('skips a provider "name" that is just the address', async () => {
    const email = 'vic.smith.1987@example.test';
    const user = await createAuthUser(db.sql, { email, metadata: { name: email.toUpperCase() } });
    expect(await nameOf(user.id)).toBe(`User ${user.id.slice(-4)}`);
  });
});

describe('profiles: names made from addresses before 20261208260000', () => {
  it('become neutral, unless their owner chose them or sign-up gave a name', async () => {
    const before = await createTestDatabaseBefore('20261208260000');
    try {
      const kept = await createAuthUser(before.sql, { email: 'ada.lovelace@example.test' });
      const renamed = await createAuthUser(before.sql, { email: 'rex.renamed@example.test' });
      const recased = await createAuthUser(before.sql, { email: 'ann.case@example.test' });
      const given = await createAuthUser(before.sql, { email: 'gil@example.test', metadata: { full_name: 'gil' } });
      const moved = await createAuthUser(before.sql, { email: 'old.address@example.test' });
      const wholeAddress = await createAuthUser(before.sql, { email: 'ida@example.test', metadata: { name: 'ida@example.test' } });
      expect(await nameOf(kept.id, before)).toBe('ada.lovelace');
      // Renamed in Settings; then a preference changes (updated_at moves for either).
      await before.sql`update public.profiles set display_name = 'Rex' where id = ${renamed.id}`;
      await before.sql`update public.profiles set display_name = 'Ann.Case' where id = ${recased.id}`;
      await before.sql`update public.profiles set preferences = '{"theme":"dark"}' where id = ${kept.id}`;
      // Auth copies the sign-up address into user_metadata; a later change of address leaves it there.
      await before.sql`update auth.users set raw_user_meta_data = ${before.sql.json({ email: 'old.address@example.test' })},
        email = 'new.address@example.test' where id = ${moved.id}`;
      await before.applyRest();
      expect(await nameOf(kept.id, before)).toBe(`User ${kept.id.slice(-4)}`);
      expect(await nameOf(moved.id, before)).toBe(`User ${moved.id.slice(-4)}`);
      expect(await nameOf(wholeAddress.id, before)).toBe(`User ${wholeAddress.id.slice(-4)}`);
      expect(await nameOf(renamed.id, before)).toBe('Rex');
      expect(await nameOf(recased.id, before)).toBe('Ann.Case');
      expect(await nameOf(given.id, before)).toBe('gil');
    } finally {
      await before.drop();
    }
  });
});

describe('profiles: owner', () => {
  it('reads only their own profile', async () => {
    const owner = await createAuthUser(db.sql);
    await createAuthUser(db.sql);
    const rows = await asActor(db.sql, owner, (tx) => tx`select id from public.profiles`);
    expect(rows.map((r) => r.id)).toEqual([owner.id]);
  });

  it('updates display name, avatar, custom instructions and preferences', async () => {
    const owner = await createAuthUser(db.sql);
    const rows = await asActor(db.sql, owner, (tx) => tx`
      update public.profiles set display_name = 'New name', avatar_url = 'https://example.test/a.png',
        custom_instructions = 'Answer briefly.', preferences = '{"theme":"dark"}'
      where id = ${owner.id} returning display_name, preferences`);
    expect(rows).toEqual([{ display_name: 'New name', preferences: { theme: 'dark' } }]);
  });

  it('cannot make themselves an admin', async () => {
    const owner = await createAuthUser(db.sql);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.profiles set role = 'admin' where id = ${owner.id}`))
      .rejects.toThrow(PERMISSION_DENIED);
    const [profile] = await db.sql`select role from public.profiles where id = ${owner.id}`;
    expect(profile.role).toBe('user');
  });

  it('cannot insert or delete a profile', async () => {
    const owner = await createAuthUser(db.sql);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.profiles (id, display_name) values (${owner.id}, 'x')`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`delete from public.profiles where id = ${owner.id}`))
      .rejects.toThrow(PERMISSION_DENIED);
  });

  it('is held to the length limits', async () => {
    const owner = await createAuthUser(db.sql);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.profiles set display_name = ${'x'.repeat(101)} where id = ${owner.id}`))
      .rejects.toThrow(/check constraint/);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.profiles set display_name = '   ' where id = ${owner.id}`))
      .rejects.toThrow(/check constraint/);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.profiles set avatar_url = 'javascript:alert(1)' where id = ${owner.id}`))
      .rejects.toThrow(/check constraint/);
  });
});

describe('profiles: another user', () => {
  it("can neither see nor change someone else's profile", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const seen = await asActor(db.sql, stranger, (tx) => tx`select id from public.profiles where id = ${owner.id}`);
    expect(seen).toHaveLength(0);
    const updated = await asActor(db.sql, stranger, (tx) => tx`update public.profiles set display_name = 'pwned' where id = ${owner.id} returning id`);
    expect(updated).toHaveLength(0);
    const [profile] = await db.sql`select display_name from public.profiles where id = ${owner.id}`;
    expect(profile.display_name).not.toBe('pwned');
  });

  it("cannot create or delete someone else's profile", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.profiles (id, display_name) values (${owner.id}, 'x')`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, stranger, (tx) => tx`delete from public.profiles where id = ${owner.id}`))
      .rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('profiles: anonymous', () => {
  it('has no access at all', async () => {
    const owner = await createAuthUser(db.sql);
    for (const query of [
      'select * from public.profiles',
      `insert into public.profiles (id, display_name) values ('${owner.id}', 'x')`,
      `update public.profiles set display_name = 'x' where id = '${owner.id}'`,
      `delete from public.profiles where id = '${owner.id}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('profiles: service role', () => {
  it('reads, updates (including role) and deletes any profile', async () => {
    const owner = await createAuthUser(db.sql);
    const result = await asActor(db.sql, 'service_role', async (tx) => {
      const seen = await tx`select id from public.profiles where id = ${owner.id}`;
      const promoted = await tx`update public.profiles set role = 'admin' where id = ${owner.id} returning role`;
      const deleted = await tx`delete from public.profiles where id = ${owner.id} returning id`;
      const inserted = await tx`insert into public.profiles (id, display_name) values (${owner.id}, 'Back') returning id`;
      return { seen: seen.length, role: promoted[0].role, deleted: deleted.length, inserted: inserted.length };
    });
    expect(result).toEqual({ seen: 1, role: 'admin', deleted: 1, inserted: 1 });
  });
});
