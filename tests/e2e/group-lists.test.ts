/**
 * A group chat in its members' chat lists (web/src/routes/chat/Sidebar.svelte), two signed-in
 * people in their own browser contexts: a member's list follows the owner's chat — its rename,
 * its messages, a second group chat joined meanwhile — though the rows are the owner's; a
 * member's pins and archives are theirs alone; an owner who deletes their account is told who
 * gets the chat, and it stays in the member's list as theirs; a member who deletes theirs is a
 * former member in the owner's open chat at once. The rest of group chats: group.test.ts.
 */
import postgres from 'postgres';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { nameOf, startGroupChat } from './group-helpers.ts';
import { composer, dropRowChanges, open, reload, screenshot, sendAndWait, signedInClient, startE2E, type E2E, waitForLive } from './helpers.ts';

describe('group chats in chat lists', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('group-lists');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  /** 40 answers after the whole chat so far, for a reader who opens it at `text` (a search hit's
   * window, its newest messages unread): a re-read of the newest page would not reach that
   * message. Returns its id. */
  async function addFillerAfter(chatUrl: string, text: string): Promise<string> {
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      const sessionId = new URL(chatUrl, 'http://x').pathname.split('/').at(-1)!;
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select s.id, s.user_id, 'assistant', 'filler answer ' || i, clock_timestamp()
          from public.chat_sessions s, generate_series(1, 40) as i where s.id = ${sessionId}`;
      const [{ id }] = await sql<{ id: string }[]>`select id from public.messages where session_id = ${sessionId} and content = ${text}`;
      return id;
    } finally {
      await sql.end();
    }
  }

  it("a member's list follows the owner's group chat: its rename, its messages, and a second group chat joined meanwhile", async () => {
    const { member, memberEmail, owner, ownerEmail } = await startGroupChat(e2e, { member: 'lia', owner: 'otto', text: 'Team plans' });
    onTestFailed(() => screenshot(member, 'failed-group-lists-member'));
    await waitForLive(member);

    // The owner renames the chat: the member's heading and chat list follow (the owner's row,
    // which the member's list follows by id, and `session_renamed` on the member's own channel).
    await owner.getByRole('button', { name: 'Rename' }).click();
    await owner.getByLabel('Chat title').fill('Team plans for Friday');
    await owner.getByLabel('Chat title').press('Enter');
    await member.getByRole('heading', { name: 'Team plans for Friday' }).waitFor();
    await member.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Team plans for Friday' }).waitFor({ timeout: 15_000 });

    // A message in the group chat moves it up the member's list, above a chat of their own made
    // since: the owner's row changes, which their list follows by id.
    const { client: own } = await signedInClient(e2e, memberEmail);
    const made = await own.functions.invoke('api/sessions', { method: 'POST', body: { title: 'Own notes' } });
    expect(made.error).toBeNull();
    const memberChats = member.getByRole('navigation', { name: 'Chats' }).locator('section[aria-label="Chats"]').getByRole('link');
    const position = async (title: string) => (await memberChats.allTextContents()).findIndex((text) => text.includes(title));
    await expect.poll(() => position('Own notes')).toBe(0);
    expect(await position('Team plans for Friday')).toBe(1);
    await composer(owner).fill('See you on Friday');
    await composer(owner).press('Enter');
    await expect.poll(() => position('Team plans for Friday'), { timeout: 15_000 }).toBe(0);

    // The member joins a second group chat while their list is open: its row is followed too, and
    // the first one's still are (the list follows them on a channel joined again for both).
    const { client: ownerApi } = await signedInClient(e2e, ownerEmail);
    const secondChat = await ownerApi.functions.invoke<{ id: string }>('api/sessions', { method: 'POST', body: { title: 'Second team chat' } });
    const invitation = await ownerApi.functions.invoke<{ id: string }>(`api/sessions/${secondChat.data!.id}/members`, { method: 'POST', body: { email: memberEmail, role: 'member' } });
    expect((await own.functions.invoke(`api/invitations/${invitation.data!.id}/accept`, { method: 'POST' })).error).toBeNull();
    await expect.poll(() => position('Second team chat'), { timeout: 15_000 }).toBe(0);
    // The reads the membership signal and the rejoin made (and their repeat) are over: from here
    // only the rows move the list.
    await member.waitForTimeout(1_500);
    await composer(owner).fill('One more thing');
    await composer(owner).press('Enter');
    await expect.poll(() => position('Team plans for Friday'), { timeout: 15_000 }).toBe(0);
    expect((await ownerApi.functions.invoke(`api/sessions/${secondChat.data!.id}`, { method: 'PATCH', body: { title: 'Second team chat, renamed' } })).error).toBeNull();
    await expect.poll(() => position('Second team chat, renamed'), { timeout: 15_000 }).toBe(1);
    await ownerApi.auth.signOut();
    await own.auth.signOut();
  });

  it("a member pins and archives the shared chat in their own list; the owner's sidebar does not move", async () => {
    const { member, owner, chatUrl } = await startGroupChat(e2e, { member: 'pia', owner: 'oscar', text: 'Team plans' });
    // The member's other device, with its chat list open.
    const elsewhere = await e2e.newPage({ sameUserAs: member });
    await open(elsewhere, '/chat');

    const sidebarOf = (page: Page) => page.getByRole('navigation', { name: 'Chats' });
    const section = (page: Page, name: string) => sidebarOf(page).locator(`section[aria-label="${name}"]`);
    await section(elsewhere, 'Chats').getByRole('link', { name: 'Team plans' }).waitFor();
    // The member pins it: it moves under Pinned in their list, on their other device too.
    await sidebarOf(member).getByRole('link', { name: 'Team plans' }).hover();
    await sidebarOf(member).getByRole('button', { name: 'Pin Team plans' }).click();
    await member.getByTestId('toasts').getByText('Pinned “Team plans”.').waitFor();
    await section(member, 'Pinned').getByRole('link', { name: 'Team plans' }).waitFor();
    await section(elsewhere, 'Pinned').getByRole('link', { name: 'Team plans' }).waitFor();
    // Then archives it: it leaves their lists, waits under Archived chats, and the open chat says so.
    await sidebarOf(member).getByRole('link', { name: 'Team plans' }).hover();
    await sidebarOf(member).getByRole('button', { name: 'Archive Team plans' }).click();
    await sidebarOf(member).getByRole('link', { name: 'Team plans' }).waitFor({ state: 'detached' });
    await member.getByTestId('archived-note').getByText('This chat is archived').waitFor();
    await sidebarOf(elsewhere).getByRole('link', { name: 'Team plans' }).waitFor({ state: 'detached' });
    await reload(member);
    expect(await sidebarOf(member).getByRole('link', { name: 'Team plans' }).count()).toBe(0);
    await sidebarOf(member).getByText('Archived chats').click();
    await sidebarOf(member).getByRole('list', { name: 'Archived chats' }).getByRole('link', { name: 'Team plans' }).waitFor();

    // The owner's sidebar, live and after a reload: the chat is where it was, neither pinned nor
    // archived, and the open chat has no archived note.
    const ownerChats = section(owner, 'Chats');
    await ownerChats.getByRole('link', { name: 'Team plans' }).waitFor();
    for (const reloaded of [false, true]) {
      if (reloaded) await reload(owner);
      await ownerChats.getByRole('link', { name: 'Team plans' }).waitFor();
      expect(await section(owner, 'Pinned').count()).toBe(0);
      expect(await owner.getByTestId('archived-note').count()).toBe(0);
    }
    await sidebarOf(owner).getByText('Archived chats').click();
    await sidebarOf(owner).getByRole('list', { name: 'Archived chats' }).getByText('Nothing archived.').waitFor();

    // The owner archives it too. A device of theirs opened afterwards does not list it, and keeps
    // it out when the chat's row changes (a new turn), though the row no longer says it is
    // archived. New chats before and after show that device's live list is following.
    await ownerChats.getByRole('link', { name: 'Team plans' }).hover();
    await ownerChats.getByRole('button', { name: 'Archive Team plans' }).click();
    await ownerChats.getByRole('link', { name: 'Team plans' }).waitFor({ state: 'detached' });
    const ownerElsewhere = await e2e.newPage({ sameUserAs: owner });
    await open(ownerElsewhere, '/chat');
    await open(owner, '/chat');
    await sendAndWait(owner, 'Second topic', 0);
    await sidebarOf(ownerElsewhere).getByRole('link', { name: 'Second topic' }).waitFor();
    await open(owner, chatUrl);
    await sendAndWait(owner, 'Back to the plans', 1);
    await open(owner, '/chat');
    await sendAndWait(owner, 'Third topic', 0);
    await sidebarOf(ownerElsewhere).getByRole('link', { name: 'Third topic' }).waitFor();
    expect(await sidebarOf(ownerElsewhere).getByRole('link', { name: 'Team plans' }).count()).toBe(0);
  });

  it('an owner deleting their account is told who gets the group chat; the member then owns it, the owner a former member', async () => {
    const { member, memberEmail, owner, ownerEmail, chatUrl } = await startGroupChat(e2e, { member: 'memo', owner: 'della', text: 'Della opens the group', pays: true });
    onTestFailed(() => screenshot(owner, 'failed-group-lists-handover'));
    await waitForLive(member);
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    await composer(member).fill('Memo writes important notes');
    await composer(member).press('Enter');
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    // A longer chat, which the member reads from the owner's first message (a search hit's window,
    // its newest messages unread): a re-read of the newest page would not reach that message.
    const firstId = await addFillerAfter(chatUrl, 'Della opens the group');
    await open(member, `${chatUrl}?message=${firstId}`);
    await member.getByRole('article', { name: `Message from ${nameOf(ownerEmail)}` }).getByText('Della opens the group', { exact: true }).waitFor();
    await waitForLive(member);
    expect(await member.getByText('filler answer 40', { exact: true }).count()).toBe(0);

    // The dialog names what others would notice before anything is deleted.
    await open(owner, '/settings');
    const impact = owner.getByTestId('deletion-impact');
    await impact.getByText(new RegExp(`\\(1 other person\\) goes to ${nameOf(memberEmail)}, who becomes its owner\\. Your messages stay in it, shown as a former member's\\.`)).waitFor();
    await owner.getByLabel('Type delete my account to confirm').fill('delete my account');
    await owner.getByRole('button', { name: 'Delete my account' }).click();
    await owner.waitForURL('**/login?**');

    // The member's open chat follows at once (the channel's member_removed, then the people read
    // again): it is theirs now, to rename, and the owner's words are a former member's (QA 7: they
    // kept the owner's name until a reload). After a reload too, with no Edit; their own keep Edit.
    await member.getByRole('button', { name: 'Rename' }).waitFor({ timeout: 15_000 });
    const former = member.getByRole('article', { name: 'Message from Former member' });
    await former.getByText('Della opens the group', { exact: true }).waitFor();
    expect(await member.getByRole('article', { name: `Message from ${nameOf(ownerEmail)}` }).count()).toBe(0);
    await open(member, chatUrl);
    await former.getByText('Della opens the group', { exact: true }).waitFor();
    expect(await former.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await member.getByRole('article', { name: 'Your message' }).getByRole('button', { name: 'Edit' }).waitFor();
  });

  it("a member deleting their account: the owner's open chat shows the member's words a former member's at once", async () => {
    const { member, memberEmail, owner, chatUrl } = await startGroupChat(e2e, { member: 'mara', owner: 'olaf', text: 'Olaf opens the group', pays: true });
    onTestFailed(() => screenshot(owner, 'failed-group-lists-member-deleted'));
    await waitForLive(member);
    await composer(member).fill('Mara writes her notes');
    await composer(member).press('Enter');
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    // The owner reads the chat from the member's message (a search hit's window, its newest
    // messages unread): a re-read of the newest page would not reach that message.
    const maraId = await addFillerAfter(chatUrl, 'Mara writes her notes');
    // The owner's view hears no row changes: the messages' author cleared by the deletion never
    // arrives, so only the channel's member_removed can tell it.
    const dropped = await dropRowChanges(owner);
    await open(owner, `${chatUrl}?message=${maraId}`);
    await owner.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` }).getByText('Mara writes her notes', { exact: true }).waitFor();
    await waitForLive(owner);
    expect(await owner.getByText('filler answer 40', { exact: true }).count()).toBe(0);

    await open(member, '/settings');
    await member.getByLabel('Type delete my account to confirm').fill('delete my account');
    await member.getByRole('button', { name: 'Delete my account' }).click();
    await member.waitForURL('**/login?**');

    // The channel's member_removed says the account was deleted: the owner's open view marks the
    // member's words a former member's without a reload (they kept the name until one). A member
    // who merely leaves keeps their name: group.test.ts.
    await owner.getByRole('article', { name: 'Message from Former member' }).getByText('Mara writes her notes', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await owner.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` }).count()).toBe(0);
    expect(await owner.getByRole('article', { name: 'Message from Former member' }).getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(dropped()).toBeGreaterThan(0);
  });
});
