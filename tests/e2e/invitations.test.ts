// Invitations in the browser: an owner invites someone to a chat; the offer appears in the
// invitee's sidebar live and they join only by accepting it (declined or cancelled ones join
// nobody, and an address no account uses is answered the same way); an older read of the
// invitee's list arriving late does not hide a newer invitation; on a phone the Chats button
// counts the invitations in its closed drawer and an arrival is announced; someone who signs up after
// the invitation joins only through its link. The owner's open People panel follows answers as
// they come, and a cancel overtaken by an acceptance says so. Accepting, and what members then
// see, are group.test.ts's.
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, invite, nameOf, ownerAsks } from './group-helpers.ts';
import { composer, newEmail, open, reload, screenshot, seriousViolations, signUp, startE2E, type E2E, waitForLive } from './helpers.ts';

/** The event a broadcast frame from Realtime carries: a JSON v2 frame's, or a binary user
 * broadcast's (kind 4: topic, event and metadata lengths, encoding, then each; how database
 * broadcasts reach v2 clients, local/src/realtime/protocol.ts). */
function broadcastEvent(message: string | Buffer): string | undefined {
  if (typeof message !== 'string') {
    if (message.length < 5 || message[0] !== 4) return undefined;
    const start = 5 + message[1]!;
    return message.subarray(start, start + message[2]!).toString('utf8');
  }
  try {
    const frame: unknown = JSON.parse(message);
    if (!Array.isArray(frame) || frame[3] !== 'broadcast') return undefined;
    return String((frame[4] as { event?: unknown } | undefined)?.event);
  } catch {
    return undefined;
  }
}

/** Routes the page's Realtime socket so that, while `drop()` says so, broadcasts named `events`
 * do not reach it (signals lost on their way). Call before the page opens the socket. */
async function dropBroadcasts(page: Page, events: string[], drop: () => boolean): Promise<void> {
  await page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      const event = broadcastEvent(message);
      if (drop() && event && events.includes(event)) return;
      socket.send(message);
    });
  });
}

/**
 * While `frozen()`, the page's reads of a chat's people lists are answered with what they last
 * answered before (a page on a flaky network that hears nothing new): the panel reads its lists
 * again a moment after a change it made (lib/signal-reads.ts), and on a quick machine that read
 * could already see an acceptance the journey means the page not to have heard of.
 */
async function freezeListReads(page: Page, frozen: () => boolean): Promise<void> {
  const last = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  await page.route(/\/api\/sessions\/[^/]+\/(members|invitations)(\?|$)/, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const key = new URL(route.request().url()).pathname;
    const kept = last.get(key);
    if (frozen() && kept) return route.fulfill(kept);
    const response = await route.fetch();
    const answer = { status: response.status(), headers: response.headers(), body: await response.text() };
    if (!frozen()) last.set(key, answer);
    return route.fulfill(answer);
  });
}

describe('chat invitations in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('invitations');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  /** A guest and an owner sign up, each in a page of their own, and the owner asks `text`. */
  async function ownerAndGuest(names: { guest: string; owner: string }, text: string) {
    const guest = await e2e.newPage();
    const guestEmail = await signUp(guest, newEmail(names.guest));
    const owner = await e2e.newPage();
    const ownerEmail = await signUp(owner, newEmail(names.owner));
    const chatUrl = await ownerAsks(owner, text);
    return { guest, guestEmail, owner, ownerEmail, chatUrl };
  }

  it('an invitation waits for the invitee: declined or cancelled, nobody joins; an unknown address is answered the same', async () => {
    const { guest, guestEmail, owner, ownerEmail, chatUrl } = await ownerAndGuest({ guest: 'gus', owner: 'odo' }, 'Invite only');
    await open(guest, '/chat');

    // Invited: pending at the owner's, an offer at the guest's — not a member yet.
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, guestEmail, 'viewer');
    const pending = owner.getByRole('list', { name: 'Pending invitations' });
    await pending.getByText(guestEmail).waitFor();
    expect(await owner.getByRole('list', { name: 'Participants' }).getByText(guestEmail).count()).toBe(0);
    // An address no account uses is answered the same way (nothing tells whether it has one).
    const nobody = `nobody-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await invite(owner, nobody);
    await pending.getByText(nobody).waitFor();
    const invitations = guest.getByRole('region', { name: 'Invitations' });
    await invitations.getByText(`${nameOf(ownerEmail)} invites you to`).waitFor();
    // Before answering, the guest learns which of their names the chat's people would see.
    await invitations.getByText(`Everyone in the chat will see you as ${nameOf(guestEmail)}.`).waitFor();
    await screenshot(guest, 'group-chat-invitation');
    expect(await seriousViolations(guest)).toEqual([]);

    // Declined: it leaves the guest's sidebar and the owner's pending list; the chat stays closed.
    await invitations.getByRole('button', { name: /^Decline the invitation/ }).click();
    await expect.poll(() => invitations.count()).toBe(0);
    await owner.getByRole('button', { name: 'People' }).click();
    await owner.getByRole('button', { name: 'People' }).click();
    await expect.poll(() => pending.getByText(guestEmail).count()).toBe(0);
    await pending.getByText(nobody).waitFor();
    await open(guest, chatUrl);
    expect(await composer(guest).count()).toBe(0);
    await open(guest, '/chat');

    // Invited again, then cancelled by the owner: the offer disappears from the guest's sidebar by itself.
    await invite(owner, guestEmail);
    await invitations.getByText(`${nameOf(ownerEmail)} invites you to`).waitFor();
    await owner.getByRole('button', { name: `Cancel the invitation of ${guestEmail}` }).click();
    await owner.getByText(`Cancelled the invitation of ${guestEmail}.`).waitFor();
    // Live, as the offer came: the signal travels the stack's replication of a Postgres the whole
    // suite shares, so it gets the browser's wait (45 s), not expect.poll's 10 s (a clean clone's
    // full run once took longer; alone the offer leaves within a second).
    await invitations.waitFor({ state: 'detached' });
    expect(await guest.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Invite only' }).count()).toBe(0);
  });

  it('on a phone, where the list is in the closed drawer, the Chats button counts the invitation and its arrival is announced once', async () => {
    const { guest, guestEmail, owner, ownerEmail } = await ownerAndGuest({ guest: 'pia', owner: 'pem' }, 'Phone invite');
    await guest.setViewportSize({ width: 390, height: 844 });
    await open(guest, '/chat');
    const chats = guest.getByRole('button', { name: 'Chats', exact: true });
    await chats.waitFor();
    expect(await guest.getByTestId('invitation-badge').count()).toBe(0);

    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, guestEmail);
    // The button's name says the count (a screen reader hears it with "Chats"); the badge shows it.
    const counted = guest.getByRole('button', { name: 'Chats, 1 invitation', exact: true });
    await counted.waitFor();
    await expect(guest.getByTestId('invitation-badge').innerText()).resolves.toBe('1');
    expect(await guest.getByRole('region', { name: 'Invitations' }).isVisible()).toBe(false);
    // Announced politely, once: the live region names who invites to which chat.
    const news = guest.getByRole('status').filter({ hasText: 'New invitation:' });
    await expect(news.innerText()).resolves.toBe(`New invitation: ${nameOf(ownerEmail)} invites you to “Phone invite”. It is under Invitations in Chats.`);
    await screenshot(guest, 'phone-invitation-badge');
    expect(await seriousViolations(guest)).toEqual([]);

    // A reload counts it again (it still waits) without announcing it as news.
    await reload(guest);
    await counted.waitFor();
    expect(await guest.getByTestId('invitation-news').innerText()).toBe('');

    // In the drawer it can be answered; declined, the count goes.
    await counted.click();
    const invitations = guest.getByRole('region', { name: 'Invitations' });
    await invitations.getByRole('button', { name: /^Decline the invitation/ }).click();
    await expect.poll(() => invitations.count()).toBe(0);
    await guest.getByRole('button', { name: 'Close chats' }).click();
    await chats.waitFor();
    expect(await guest.getByTestId('invitation-badge').count()).toBe(0);
  });

  it("someone with no account yet gets in only through the owner's link, once signed up with the invited address", async () => {
    const owner = await e2e.newPage();
    await signUp(owner, newEmail('olga'));
    const chatUrl = await ownerAsks(owner, 'Link only');
    const lateEmail = newEmail('lena');
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, lateEmail);
    const link = await owner.getByLabel(/send them this link/).inputValue();
    expect(new URL(link).pathname).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);

    // Signed out, the link asks for an account first.
    const late = await e2e.newPage();
    await late.goto(link);
    await late.waitForURL((url) => url.pathname === '/login');
    expect(new URL(late.url()).searchParams.get('next')).toBe(new URL(link).pathname);
    // Signed up with the invited address: no offer in their list (anyone could have signed up
    // with it where Auth does not confirm addresses); the link lets them in.
    await signUp(late, lateEmail);
    await late.getByRole('navigation', { name: 'Chats' }).waitFor();
    expect(await late.getByRole('region', { name: 'Invitations' }).count()).toBe(0);
    await open(late, new URL(link).pathname);
    await late.getByText(`Everyone in the chat will see you as ${nameOf(lateEmail)}.`).waitFor();
    await late.getByRole('button', { name: 'Join the chat' }).click();
    await late.waitForURL((url) => url.pathname === new URL(chatUrl, link).pathname);
    await late.getByText('Link only').first().waitFor();
    expect(await seriousViolations(late)).toEqual([]);
    // Used: the same link again says it does not let them in.
    await open(late, new URL(link).pathname);
    await late.getByRole('button', { name: 'Join the chat' }).click();
    await late.getByRole('alert').getByText(/does not let/).waitFor();
  });

  it('an invitation made while an older read of the list is still on its way stays listed', async () => {
    const { guest, guestEmail, owner, ownerEmail } = await ownerAndGuest({ guest: 'gwen', owner: 'orla' }, 'Slow list');
    // The guest's first read of their invitations (on load) is answered by the API before the
    // invitation exists, and reaches the page only after the read its signal started.
    let fetched!: () => void;
    const wasFetched = new Promise<void>((resolve) => (fetched = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: Request | undefined;
    await guest.route('**/api/invitations', async (route) => {
      if (held) return await route.continue();
      held = route.request();
      const response = await route.fetch();
      fetched();
      await released;
      await route.fulfill({ response });
    });
    await open(guest, '/chat');
    await wasFetched;
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, guestEmail);
    const offer = guest.getByRole('region', { name: 'Invitations' }).getByText(`${nameOf(ownerEmail)} invites you to`);
    await offer.waitFor();
    const oldAnswer = guest.waitForEvent('requestfinished', (request) => request === held);
    release();
    await oldAnswer;
    // The older (empty) list arrived last; the invitation is still there a moment later.
    await guest.waitForTimeout(1000);
    expect(await offer.count()).toBe(1);
  });

  it("a signal's read answered from before its change is followed by one that is not", async () => {
    const { guest, guestEmail, owner, ownerEmail } = await ownerAndGuest({ guest: 'gail', owner: 'otto' }, 'Seen late');
    // Every answer to the guest's reads is kept; once armed, the next read gets the last one
    // again: what Postgres gives a read that overtakes the commit its signal came with
    // (Realtime has the signal from the WAL before the transaction is visible to other sessions).
    let last: { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    let staleNext = false;
    const answered: ('stale' | 'fresh')[] = [];
    await guest.route('**/api/invitations', async (route) => {
      if (staleNext && last) {
        staleNext = false;
        answered.push('stale');
        return await route.fulfill(last);
      }
      const response = await route.fetch();
      last = { status: response.status(), headers: response.headers(), body: await response.body() };
      answered.push('fresh');
      await route.fulfill({ response, body: last.body });
    });
    await open(guest, '/chat');
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, guestEmail);
    const invitations = guest.getByRole('region', { name: 'Invitations' });
    await invitations.getByText(`${nameOf(ownerEmail)} invites you to`).waitFor();
    await expect.poll(() => answered.at(-1)).toBe('fresh');

    staleNext = true;
    await owner.getByRole('button', { name: `Cancel the invitation of ${guestEmail}` }).click();
    await owner.getByText(`Cancelled the invitation of ${guestEmail}.`).waitFor();
    // The signal's read is answered with the offer still in it; the read half a second later is not.
    await expect.poll(() => answered.includes('stale')).toBe(true);
    await invitations.waitFor({ state: 'detached' });
    expect(answered.lastIndexOf('fresh')).toBeGreaterThan(answered.indexOf('stale'));
  });

  it("the owner's open People panel follows answers as they come; a cancel overtaken by an acceptance says so", async () => {
    const { guest: bob, guestEmail: bobEmail, owner, ownerEmail, chatUrl } = await ownerAndGuest({ guest: 'bea', owner: 'oona' }, 'Panel stays open');
    const carol = await e2e.newPage();
    const carolEmail = await signUp(carol, newEmail('cai'));
    // Later in the journey the owner's page misses the signals, as a page may on a flaky network.
    let dropping = false;
    let frozen = false;
    await dropBroadcasts(owner, ['members_changed', 'session_invitations_changed'], () => dropping);
    await freezeListReads(owner, () => frozen);
    await reload(owner);
    await waitForLive(owner);

    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, bobEmail);
    await invite(owner, carolEmail);
    const pending = owner.getByRole('list', { name: 'Pending invitations' });
    const participants = owner.getByRole('list', { name: 'Participants' });
    await pending.getByText(carolEmail).waitFor();

    // carol declines, bob accepts: the panel, open all along, follows and says so.
    await open(carol, '/chat');
    await carol.getByRole('region', { name: 'Invitations' }).getByRole('button', { name: /^Decline the invitation/ }).click();
    await owner.getByText(`The invitation of ${carolEmail} is gone: declined, or cancelled elsewhere.`).waitFor();
    await expect.poll(() => pending.getByText(carolEmail).count()).toBe(0);
    await accept(bob, chatUrl);
    await participants.getByText(bobEmail, { exact: true }).waitFor();
    await owner.getByText(`${bobEmail} joined.`).waitFor();
    expect(await owner.getByRole('list', { name: 'Pending invitations' }).count()).toBe(0);
    // The link box was for an invitation that is no longer waiting.
    expect(await owner.getByLabel(/send them this link/).count()).toBe(0);
    await screenshot(owner, 'people-panel-follows');

    // carol is invited again and accepts while the owner's page hears nothing of it; the owner's
    // Cancel finds the invitation gone, reads the lists again and says why.
    dropping = true;
    await invite(owner, carolEmail);
    await pending.getByText(carolEmail).waitFor();
    frozen = true;
    await carol.getByRole('region', { name: 'Invitations' }).getByText(`${nameOf(ownerEmail)} invites you to`).waitFor();
    await accept(carol, chatUrl);
    await waitForLive(carol);
    expect(await participants.getByText(carolEmail, { exact: true }).count()).toBe(0); // not heard of yet
    frozen = false;
    await owner.getByRole('button', { name: `Cancel the invitation of ${carolEmail}` }).click();
    await owner.getByRole('alert').getByText(`${carolEmail} has already accepted: they are in this chat.`).waitFor();
    await participants.getByText(carolEmail, { exact: true }).waitFor();
    expect(await pending.count()).toBe(0);
    expect(await seriousViolations(owner)).toEqual([]);
  });
});
