// Group chats in the browser: two signed-in people in their own browser contexts. The owner
// invites a member and shares their key; the chat appears in the member's sidebar once they
// accept (invitations declined, cancelled or overtaken: invitations.test.ts); each sees who is
// here, who is typing and who wrote each message, live; the member sees whose key answers and
// attaches a file the owner sees. A viewer gets a read-only composer with the reason (and a
// composer once made a member); a removed member is told (keeping what they typed, with no
// connection banner for the channels closed to them), and so is everyone who has the chat
// open when it is deleted. How a group chat moves and is named in its members' chat lists, and
// their own pins and archives: group-lists.test.ts.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { accept, invite, nameOf, ownerAsks, ownerPays, startGroupChat } from './group-helpers.ts';
import { addCustomKey, composer, dropRowChanges, newEmail, open, reload, screenshot, seriousViolations, signedInClient, signIn, signUp, startE2E, type E2E, waitForLive } from './helpers.ts';

describe('group chats in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    // The owner's custom model has a price: a member is answered on the owner's key only for a
    // priced model (422 unpriced_model otherwise: nothing would reach the owner's budget).
    e2e = await startE2E('group', { functionEnv: { MODEL_PRICES: JSON.stringify({ 'custom/fake-model': { input: 1, output: 2 } }) } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('two people in one chat see each other\'s messages, files, presence and typing live', async () => {
    const member = await e2e.newPage();
    const memberEmail = await signUp(member, newEmail('mia'));
    const owner = await e2e.newPage();
    onTestFailed(async () => {
      // Whether each view was following Realtime, and what it showed.
      for (const [who, page] of [['owner', owner], ['member', member]] as const) {
        const messages = page.getByTestId('messages');
        const live = await messages.getAttribute('data-live', { timeout: 1_000 }).catch(() => null);
        const shown = await messages.locator('article').evaluateAll((articles) =>
          articles.map((a) => `${a.getAttribute('aria-label')}${a.getAttribute('data-status') ? ` (${a.getAttribute('data-status')})` : ''}`),
        ).catch(() => []);
        console.error(`${who}: data-live=${live}; ${JSON.stringify(shown)}`);
        await screenshot(page, `failed-group-${who}`);
      }
    });
    const ownerEmail = await signUp(owner, newEmail('olive'));
    const chatUrl = await ownerAsks(owner, 'Hello team');

    // The member's chat list is open while they are invited: the invitation appears there by
    // itself, naming who invites them; the chat is theirs only once they accept.
    await open(member, '/chat');
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, memberEmail);
    await ownerPays(owner);
    await owner.getByRole('button', { name: 'People' }).click();

    const invitations = member.getByRole('region', { name: 'Invitations' });
    await invitations.getByText(`${nameOf(ownerEmail)} invites you to`).waitFor();
    const sidebarLink = member.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Hello team' });
    expect(await sidebarLink.count()).toBe(0);
    await accept(member, chatUrl);
    await waitForLive(member);
    await sidebarLink.waitFor();
    await expect.poll(() => invitations.count()).toBe(0);

    // The owner's chat: the member may not rename, share or delete it.
    expect(await member.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await member.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    // Who wrote what, and whose key answers the member.
    await member.getByRole('article', { name: `Message from ${nameOf(ownerEmail)}` }).getByText('Hello team').waitFor();
    await member.getByTestId('key-note').getByText(`Answered with ${nameOf(ownerEmail)}'s key`).waitFor();
    // Presence both ways.
    await owner.getByTestId('present').getByText(nameOf(memberEmail)).waitFor();
    await member.getByTestId('present').getByText(nameOf(ownerEmail)).waitFor();

    // Typing shows on the other side, and ends with the send.
    await composer(member).fill('Can we meet on Friday?');
    await owner.getByTestId('typing').getByText(`${nameOf(memberEmail)} is typing…`).waitFor();
    await composer(member).press('Enter');
    await owner.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` }).getByText('Can we meet on Friday?').waitFor();
    await expect.poll(() => owner.getByTestId('typing').innerText()).toBe('');
    // The answer to the member arrives at the owner live, and is complete for both.
    await owner.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    // The member's own message is theirs.
    await member.getByRole('article', { name: 'Your message' }).getByText('Can we meet on Friday?').waitFor();

    // The member attaches a file (dropped on the composer, uploaded to their own folder): the
    // model receives it, and its chip shows at the owner's without a reload.
    await member.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Agenda: budget, hiring'], 'agenda.txt', { type: 'text/plain' }));
      const target = document.querySelector('textarea#composer')!.closest('form')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    const tray = member.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await composer(member).fill('Here is the agenda');
    await composer(member).press('Enter');
    const withFile = member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(2);
    await withFile.waitFor({ timeout: 60_000 });
    await expect(withFile.textContent()).resolves.toContain('agenda.txt');
    await owner.getByTestId('message-attachment').filter({ hasText: 'agenda.txt' }).waitFor();

    // And back: the owner types, the member sees it.
    await composer(owner).fill('Friday works');
    await member.getByTestId('typing').getByText(`${nameOf(ownerEmail)} is typing…`).waitFor();

    // The name comes from the topic, never from what a client sends: the member's account, from
    // an edited client (supabase-js here), tracks on their own person topic under a key and a name
    // that are not theirs. The owner sees the member typing; on the owner's topic it is refused.
    await composer(owner).fill('');
    const { client: forger, user: forgedUser, session: forged } = await signedInClient(e2e, memberEmail);
    const ownerId = (await signedInClient(e2e, ownerEmail)).user.id;
    await forger.realtime.setAuth(forged.access_token);
    const chatId = chatUrl.split('/').at(-1)!;
    const track = (topic: string) => new Promise<string>((resolve, reject) => {
      // A presence listener, as the app has: realtime-js asks for presence at join only then.
      const channel = forger.channel(topic, { config: { private: true, presence: { key: crypto.randomUUID() } } }).on('presence', { event: 'sync' }, () => {});
      const timer = setTimeout(() => reject(new Error(`no answer on ${topic}`)), 15_000);
      channel.subscribe((status, error) => {
        if (status === 'SUBSCRIBED') void channel.track({ typing: true, name: nameOf(ownerEmail) }).then(resolve, reject).finally(() => clearTimeout(timer));
        else if (status !== 'CLOSED') reject(new Error(`${topic}: ${status} ${error?.message ?? ''}`));
      });
    });
    expect(await track(`session:${chatId}:person:${forgedUser.id}`)).toBe('ok');
    await owner.getByTestId('typing').getByText(`${nameOf(memberEmail)} is typing…`).waitFor({ timeout: 15_000 });
    expect(await track(`session:${chatId}:person:${ownerId}`)).toBe('error');
    await forger.removeAllChannels();

    await screenshot(member, 'group-chat-member');
    expect(await seriousViolations(member)).toEqual([]);
  });

  it('an unsent draft comes back without a word of typing; a viewer reads along and is made a member; a removed member stops following', async () => {
    const viewer = await e2e.newPage();
    const viewerEmail = await signUp(viewer, newEmail('vic'));
    const { member, memberEmail, owner, ownerEmail, chatUrl } = await startGroupChat(e2e, { member: 'mia', owner: 'olive', text: 'Hello team', pays: true });
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, viewerEmail, 'viewer');
    await owner.getByRole('button', { name: 'People' }).click();
    await waitForLive(member);
    await composer(member).fill('Can we meet on Friday?');
    await composer(member).press('Enter');
    await owner.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` }).getByText('Can we meet on Friday?').waitFor();
    await composer(owner).fill('Friday works');
    await member.getByTestId('typing').getByText(`${nameOf(ownerEmail)} is typing…`).waitFor();

    // The owner leaves with that text unsent and comes back: it is back in their box (the tab's
    // draft), and the member is not told they are typing — nobody typed.
    await open(owner, '/settings');
    await expect.poll(() => member.getByTestId('present').count()).toBe(0);
    await expect.poll(() => member.getByTestId('typing').innerText()).toBe('');
    await member.evaluate(() => {
      const seen = window as Window & { sawTyping?: boolean };
      seen.sawTyping = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="typing"]')?.textContent?.trim()) seen.sawTyping = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await open(owner, chatUrl);
    await expect.poll(() => composer(owner).inputValue()).toBe('Friday works');
    await member.getByTestId('present').getByText(nameOf(ownerEmail)).waitFor();
    await member.waitForTimeout(2000);
    expect(await member.evaluate(() => (window as Window & { sawTyping?: boolean }).sawTyping)).toBe(false);

    // The viewer reads along but cannot post, and is told why.
    await accept(viewer, chatUrl);
    await viewer.getByTestId('read-only').getByText('You are a viewer in this chat').waitFor();
    expect(await composer(viewer).count()).toBe(0);
    await viewer.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` }).getByText('Can we meet on Friday?').waitFor();
    expect(await seriousViolations(viewer)).toEqual([]);

    // Made a member while the chat is open: the composer appears without a reload.
    await owner.getByRole('button', { name: 'People' }).click();
    await owner.getByLabel(`Role of ${viewerEmail}`).selectOption('member');
    await owner.getByText(`${viewerEmail} is now a member.`).waitFor();
    await composer(viewer).waitFor();
    await expect.poll(() => viewer.getByTestId('read-only').count()).toBe(0);

    // Removing the member while they type: their open chat says so and stops taking messages,
    // keeps what they typed to copy, and does not try to rejoin — no "Reconnecting…" for a chat
    // they may no longer follow (Realtime closes its channels to them).
    await composer(member).fill('Half-written draft from mia');
    await member.evaluate(() => {
      const seen = window as Window & { sawReconnecting?: boolean };
      seen.sawReconnecting = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="reconnecting"]')) seen.sawReconnecting = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    await owner.getByRole('button', { name: `Remove ${memberEmail}` }).click();
    await owner.getByText(`Removed ${memberEmail}.`).waitFor();
    await member.getByTestId('read-only').getByText('You were removed from this chat').waitFor();
    expect(await composer(member).count()).toBe(0);
    const unsent = member.getByRole('textbox', { name: /^Not sent/ });
    expect(await unsent.inputValue()).toBe('Half-written draft from mia');
    expect(await unsent.getAttribute('readonly')).not.toBeNull();
    await member.getByTestId('unsent-draft').getByRole('button', { name: 'Copy' }).click();
    await member.getByTestId('unsent-draft').getByText(/^(Copied\.|Select the text and copy it\.)$/).waitFor();
    // A channel refused would be retried after a second, and again: none is.
    await member.waitForTimeout(3000);
    expect(await member.evaluate(() => (window as Window & { sawReconnecting?: boolean }).sawReconnecting)).toBe(false);
    // And the words wait in a new chat.
    await member.getByTestId('read-only').getByRole('link', { name: 'Start a new chat' }).click();
    await member.waitForURL(/\/chat$/);
    await expect.poll(() => composer(member).inputValue()).toBe('Half-written draft from mia');
    // Nobody is shown as here (or typing) to them any more: they no longer follow the chat.
    await expect.poll(() => member.getByTestId('present').count()).toBe(0);
    // The others moved with the chat's channel (it changes on a removal) and still see each other live.
    await composer(viewer).fill('Still here');
    await owner.getByTestId('typing').getByText(`${nameOf(viewerEmail)} is typing…`).waitFor();
    await composer(viewer).press('Enter');
    await owner.getByRole('article', { name: `Message from ${nameOf(viewerEmail)}` }).getByText('Still here').waitFor();
  });

  it("a member whose row changes Realtime does not deliver still moves with the chat's channel when someone is removed", async () => {
    const leaving = await e2e.newPage();
    const leavingEmail = await signUp(leaving, newEmail('lea'));
    const { member, owner, ownerEmail, chatUrl } = await startGroupChat(e2e, { member: 'max', owner: 'oda', text: 'Who stays?' });
    await owner.getByRole('button', { name: 'People' }).click();
    await invite(owner, leavingEmail);
    await owner.getByRole('button', { name: 'People' }).click();
    await accept(leaving, chatUrl);
    onTestFailed(async () => {
      await screenshot(owner, 'failed-group-epoch-owner');
      await screenshot(member, 'failed-group-epoch-member');
    });

    // The member's socket (opened again by the reload) passes everything but row changes: the
    // chat_sessions update that moves the channel to its next epoch never reaches them.
    const dropped = await dropRowChanges(member);
    await reload(member);
    await waitForLive(member);
    await member.getByTestId('present').getByText(nameOf(ownerEmail)).waitFor();

    await owner.getByRole('button', { name: 'People' }).click();
    await owner.getByRole('button', { name: `Remove ${leavingEmail}` }).click();
    await owner.getByText(`Removed ${leavingEmail}.`).waitFor();
    await owner.getByRole('button', { name: 'People' }).click();
    await leaving.getByTestId('read-only').getByText('You were removed from this chat').waitFor();

    // The old topic's member_removed moved the member: they follow the owner's presence and the
    // answers broadcast on the new topic (the answer's broadcast makes them re-read the rows).
    await composer(owner).fill('Just the two of us now');
    await member.getByTestId('typing').getByText(`${nameOf(ownerEmail)} is typing…`).waitFor({ timeout: 15_000 });
    await composer(owner).press('Enter');
    await member.getByRole('article', { name: `Message from ${nameOf(ownerEmail)}` }).getByText('Just the two of us now').waitFor({ timeout: 30_000 });

    // A rename reaches them on the new topic too: `renamed` names the title's version, and their
    // view reads the chat until a read shows it (20261207190000).
    await owner.getByRole('button', { name: 'Rename' }).click();
    await owner.getByLabel('Chat title').fill('Two of us');
    await owner.getByLabel('Chat title').press('Enter');
    await owner.getByRole('heading', { name: 'Two of us' }).waitFor();
    await member.getByRole('heading', { name: 'Two of us' }).waitFor({ timeout: 15_000 });
    expect(dropped()).toBeGreaterThan(0);
  });

  it("a member is offered only what they may do in the owner's chat, and can fork it (told that the owner's file stays out)", async () => {
    // The member has a project of their own: the owner's chat cannot be moved into it.
    const { member, memberEmail, owner, chatUrl } = await startGroupChat(e2e, {
      member: 'mo', owner: 'ola', text: 'Owner asks first', pays: true,
      ownerFiles: [{ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from('The brief: ship on Friday.\n') }],
      memberFirst: async (member) => {
        await open(member, '/projects');
        await member.getByLabel('New project name').fill('Mine');
        await member.getByRole('button', { name: 'Create project' }).click();
        await member.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
      },
    });
    await waitForLive(member);
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    // No project picker (the API refuses to move someone else's chat), and no Regenerate on an
    // answer to the owner's question (the API refuses that too).
    expect(await member.locator('#chat-project').count()).toBe(0);
    expect(await member.getByRole('button', { name: 'Regenerate' }).count()).toBe(0);
    // An answer to their own question they may ask again.
    await composer(member).fill('Member asks too');
    await composer(member).press('Enter');
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await member.getByRole('button', { name: 'Regenerate' }).waitFor();

    // "Fork from here" copies the chat up to the owner's answer into the member's own chats, without the owner's file.
    await member.locator('article[aria-label="Assistant message"]').first().getByRole('button', { name: 'Fork from here' }).click();
    await member.waitForURL((url) => /\/chat\/[0-9a-f-]{36}$/.test(url.pathname) && url.pathname !== chatUrl);
    await member.getByText('Forked. 1 file someone else attached was left out of your copy.').waitFor();
    await member.getByText('Owner asks first', { exact: true }).first().waitFor();
    expect(await member.getByText('Member asks too', { exact: true }).count()).toBe(0);
    expect(await member.getByTestId('message-attachment').count()).toBe(0);
    await expect.poll(() => new URL(member.url()).search).toBe(''); // said once: the count leaves the address
    // It is theirs: they may rename it.
    await member.getByRole('button', { name: 'Rename' }).waitFor();

    // Leaving the owner's chat asks first (only the owner can invite them back); Stay keeps them in.
    await open(member, chatUrl);
    await member.getByRole('button', { name: 'People' }).click();
    await member.getByRole('button', { name: 'Leave this chat…' }).click();
    await member.getByText('Only its owner can invite you back.').waitFor();
    await member.getByRole('button', { name: 'Stay' }).click();
    await member.getByRole('button', { name: 'Leave this chat…' }).click();
    await member.getByRole('button', { name: 'Leave', exact: true }).click();
    await member.waitForURL(/\/chat$/);
    await expect.poll(() => member.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Owner asks first', exact: true }).count()).toBe(0);

    // With nobody else left in it, the chat still says who wrote what: the member's question is
    // theirs (named, no Edit), the owner's own keeps its Edit.
    await open(owner, chatUrl);
    const theirs = owner.getByRole('article', { name: `Message from ${nameOf(memberEmail)}` });
    await theirs.getByText('Member asks too', { exact: true }).waitFor();
    expect(await theirs.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await owner.getByRole('article', { name: 'Your message' }).getByRole('button', { name: 'Edit' }).waitFor();
  });

  // Realtime closes a channel that sends a sixth presence message within 30 s (hosted's limit,
  // enforced by the local stack): without a throttle, typing on and off three times closed the
  // member's own presence channel, and they vanished from the owner's view until it rejoined.
  it('typing on and off again and again stays within the presence limit, and the last state arrives', { timeout: 240_000 }, async () => {
    const { member, memberEmail, owner } = await startGroupChat(e2e, { member: 'tia', owner: 'tom', text: 'Typing test' });
    // The member's socket, opened again by the reload: a channel Realtime closes for the limit.
    const refused: string[] = [];
    member.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('Client presence rate limit exceeded')) refused.push(payload);
    }));
    await reload(member);
    await waitForLive(member);
    await owner.getByTestId('present').getByText(nameOf(memberEmail)).waitFor();

    // Typing, clearing it, typing again: eight changes of state one after another.
    for (let round = 0; round < 4; round++) {
      await composer(member).fill(`Draft number ${round}`);
      await composer(member).fill('');
    }
    // Still typing: the owner is told once the budget allows (keystrokes keep it from idling out).
    let word = 0;
    await expect.poll(async () => {
      await composer(member).fill(`Still writing ${word++}`);
      return owner.getByTestId('typing').innerText();
    }, { timeout: 60_000, interval: 1_000 }).toBe(`${nameOf(memberEmail)} is typing…`);
    // And stopping arrives too.
    await composer(member).fill('');
    await expect.poll(() => owner.getByTestId('typing').innerText(), { timeout: 60_000 }).toBe('');

    expect(refused).toEqual([]);
    expect(await member.getByTestId('reconnecting').count()).toBe(0);
    await owner.getByTestId('present').getByText(nameOf(memberEmail)).waitFor();
  });

  it('a chat deleted while open elsewhere says so, and what was typed there goes to a new chat', async () => {
    const { member, owner, ownerEmail, chatUrl } = await startGroupChat(e2e, { member: 'meg', owner: 'oz', text: 'Short-lived' });
    // The owner's other device, and the member with words typed but not sent.
    const phone = await e2e.newPage();
    await signIn(phone, ownerEmail);
    for (const page of [phone, member]) {
      await open(page, chatUrl);
      await waitForLive(page);
    }
    await composer(member).fill('Unsent thought');

    // Deleted at once, with Undo; × on its toast sends the delete now rather than in 8 s.
    await owner.getByRole('button', { name: 'Delete', exact: true }).click();
    await owner.waitForURL(/\/chat$/);
    await owner.getByTestId('toasts').getByRole('status').filter({ hasText: 'Deleted “' }).getByRole('button', { name: 'Dismiss' }).click();
    await member.getByTestId('chat-deleted').getByText('This chat was deleted by its owner.').waitFor();
    expect(await composer(member).count()).toBe(0);
    await phone.getByTestId('chat-deleted').getByText('This chat was deleted.').waitFor();
    expect(await composer(phone).count()).toBe(0);
    // The member's unsent words wait in a new chat.
    await member.getByRole('link', { name: 'Start a new chat' }).click();
    await member.waitForURL(/\/chat$/);
    await expect.poll(() => composer(member).inputValue()).toBe('Unsent thought');
  });

  it("a member answered with the owner's key is not told to add a key of their own to list the models", async () => {
    const { member, chatUrl } = await startGroupChat(e2e, {
      member: 'max', owner: 'otto', text: 'On my key', pays: true, accept: false, model: ['custom', 'fake-model'],
      ownerFirst: (owner) => addCustomKey(owner, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`),
    });

    // The member has no key of their own for the owner's provider: the picker asks it for no
    // list (it would say "No list: add your key") and offers the chat's model as it is.
    const asked: string[] = [];
    member.on('request', (request) => {
      if (/\/api\/providers\/[^/]+\/models$/.test(new URL(request.url()).pathname)) asked.push(request.url());
    });
    await accept(member, chatUrl);
    await expect.poll(() => member.getByLabel('Provider').inputValue()).toBe('custom');
    await member.getByLabel('Provider').hover();
    await member.getByLabel('Provider').focus();
    await member.getByLabel('Model').focus();
    const picker = member.getByTestId('model-picker');
    await picker.and(member.locator('[data-models="ready"]')).waitFor();
    await expect.poll(() => picker.textContent()).not.toContain('No list');
    // Its title is the model alone (no 'No list of models: …').
    await expect.poll(() => member.getByLabel('Model').getAttribute('title')).toBe('fake-model');
    await expect.poll(() => member.getByLabel('Model').inputValue()).toBe('fake-model');
    expect(asked).toEqual([]);
    await composer(member).fill('Answered on your key');
    await composer(member).press('Enter');
    await member.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
  });
});
