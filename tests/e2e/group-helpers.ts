/**
 * Steps the group-chat journeys share (tests/e2e/group.test.ts, group-lists.test.ts): an
 * owner's first chat, an invitation from its People panel, accepting it, and the usual start of
 * a group chat.
 */
import type { Page } from 'playwright-core';
import { chooseModel, composer, newEmail, open, signUp, waitForChatPage, type E2E } from './helpers.ts';

export { nameOf } from './helpers.ts';

/** A file picked in the composer's "Attach files". */
export interface PickedFile { name: string; mimeType: string; buffer: Buffer }

/** Asks `text` in a new chat (the demo model unless another is given), with `files` attached; returns its path once answered. */
export async function ownerAsks(owner: Page, text: string, model: [provider: string, model?: string] = ['demo'], files: PickedFile[] = []): Promise<string> {
  await open(owner, '/chat');
  await chooseModel(owner, ...model);
  if (files.length > 0) await owner.locator('input[type=file][aria-label="Attach files"]').first().setInputFiles(files);
  await composer(owner).fill(text);
  await composer(owner).press('Enter');
  await waitForChatPage(owner);
  await owner.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
  return new URL(owner.url()).pathname;
}

/** Invites someone from the open People panel, with the role chosen there unless one is given. */
export async function invite(owner: Page, email: string, role?: 'member' | 'viewer'): Promise<void> {
  await owner.getByLabel('Invite by email').fill(email);
  if (role) await owner.getByLabel('Role', { exact: true }).selectOption(role);
  await owner.getByRole('button', { name: 'Invite' }).click();
  await owner.getByText(`Invited ${email}.`).waitFor();
}

/** Lets the owner's provider key answer members' messages (People panel open). */
export async function ownerPays(owner: Page): Promise<void> {
  await owner.getByLabel("My provider key answers members' messages (I pay)").check();
  await owner.getByText('Your key now answers members too.').waitFor();
}

/** Accepts the one invitation waiting in the sidebar: the chat opens. */
export async function accept(page: Page, chatUrl: string): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/chat')) await open(page, '/chat');
  await page.getByRole('region', { name: 'Invitations' }).getByRole('button', { name: /^Accept the invitation/ }).click();
  await page.waitForURL(`**${chatUrl}`);
}

export interface GroupChat {
  member: Page;
  memberEmail: string;
  owner: Page;
  ownerEmail: string;
  chatUrl: string;
}

export interface GroupChatOptions {
  /** Labels of the two new accounts' addresses. */
  member: string;
  owner: string;
  /** The owner's first message. */
  text: string;
  /** The owner's key answers members too. */
  pays?: boolean;
  /** Runs once the member has signed up, before the owner does. */
  memberFirst?: (member: Page) => Promise<void>;
  /** Runs once the owner has signed up, before they chat (and `model` is what they chat with). */
  ownerFirst?: (owner: Page) => Promise<void>;
  model?: [provider: string, model?: string];
  /** Files the owner attaches to their first message. */
  ownerFiles?: PickedFile[];
  /** False: the invitation is left waiting for the test to accept. */
  accept?: boolean;
}

/**
 * A member and an owner sign up; the owner asks `text`, invites the member from the People
 * panel (closed again afterwards) and, with `pays`, lets their key answer members; the member
 * accepts and the chat opens at theirs.
 */
export async function startGroupChat(e2e: E2E, options: GroupChatOptions): Promise<GroupChat> {
  const member = await e2e.newPage();
  const memberEmail = await signUp(member, newEmail(options.member));
  await options.memberFirst?.(member);
  const owner = await e2e.newPage();
  const ownerEmail = await signUp(owner, newEmail(options.owner));
  await options.ownerFirst?.(owner);
  const chatUrl = await ownerAsks(owner, options.text, options.model, options.ownerFiles);
  await owner.getByRole('button', { name: 'People' }).click();
  await invite(owner, memberEmail);
  if (options.pays) await ownerPays(owner);
  await owner.getByRole('button', { name: 'People' }).click();
  if (options.accept !== false) await accept(member, chatUrl);
  return { member, memberEmail, owner, ownerEmail, chatUrl };
}
