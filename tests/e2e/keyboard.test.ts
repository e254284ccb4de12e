// The keyboard alone: menus, panels and the phone's chats drawer close with Esc and give focus
// back to the button that opened them (it was dropped on the page's body), the drawer keeps Tab
// inside itself while it covers the chat, and the focused control always shows a focus ring
// (focus through a turn's changes: turn-focus.test.ts).
// Also axe-core on the screens and states the theme journeys do not reach (reset password, a
// page that does not exist, open menus and dialogs, the phone's menus), at phone and laptop
// widths in light and dark.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForMail } from '../helpers/mail.ts';
import { composer, followMailLink, open, reload, screenshot, sendAndWait, seriousViolations, signUp, startE2E, useTheme, type E2E, waitForChatPage } from './helpers.ts';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

/** What has focus: its accessible label, text or id, for messages a person can read. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.getAttribute('aria-label') ?? (el.textContent?.trim() || el.id || el.tagName);
  });

/** Presses Tab until focus lands on `name` (at most `max` times). */
async function tabTo(page: Page, name: string | RegExp, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describe('keyboard and accessibility of menus, dialogs and the less visited screens', { timeout: 300_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('keyboard');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('phone: the main menu and the chats drawer open from the keyboard, Esc closes them and focus returns to their button; the drawer keeps Tab inside', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(PHONE);
    await signUp(page);
    await sendAndWait(page, 'Hello from the keyboard', 0);
    await waitForChatPage(page); // the new chat's page has arrived: nothing re-renders under the menus

    // Main menu: Enter opens it, Tab reaches its links, Esc closes it and focus is on Menu again.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.getByRole('button', { name: 'Menu' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).waitFor();
    await tabTo(page, 'Prompts');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).isVisible()).toBe(false);
    await expect.poll(() => focused(page)).toBe('Menu');

    // The chat's actions (behind "Chat actions" on a phone): Esc closes a panel opened in them
    // first, then the row itself, focus going back each time to what opened it.
    await page.getByRole('button', { name: 'Chat actions' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Export' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Export this chat' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('group', { name: 'Export this chat' }).count()).toBe(0);
    await expect(focused(page)).resolves.toBe('Export');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('button', { name: 'Export' }).isVisible()).toBe(false);
    await expect(focused(page)).resolves.toBe('Chat actions');

    // Chats drawer: opening moves focus into it; Tab stays in it; Esc closes and returns focus.
    const chats = page.getByRole('button', { name: 'Chats', exact: true });
    await chats.focus();
    await page.keyboard.press('Enter');
    const newChat = page.getByRole('link', { name: 'New chat', exact: true });
    await newChat.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="chats-drawer"]') !== null)).toBe(true);
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => document.activeElement?.closest('[data-testid="chats-drawer"]') !== null);
      expect(inside, `Tab ${i + 1} left the open drawer for ${await focused(page)}`).toBe(true);
    }
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Shift+Tab');
      const inside = await page.evaluate(() => document.activeElement?.closest('[data-testid="chats-drawer"]') !== null);
      expect(inside, `Shift+Tab ${i + 1} left the open drawer for ${await focused(page)}`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => newChat.isVisible()).toBe(false);
    // focus-trap gives focus back a task after it lets go (its `delay`), not in the same one.
    await expect.poll(() => focused(page)).toBe('Chats');
  });

  it('phone (375×812): the chat header is the title and one button naming the model, which opens project, provider and model, labelled, from the keyboard, and closes once a model is picked', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    await signUp(page);
    await page.evaluate(() => fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Travel' }) }));
    await sendAndWait(page, 'Hello from a phone', 0);
    await waitForChatPage(page);
    // Ollama at its default address, offered once saved in Settings › API keys (after the first
    // chat, which would otherwise start on it, as the key the user set up).
    await page.evaluate(() => fetch('/api/credentials/ollama', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }));
    await reload(page);
    // Three stacked fields under the title took about 200 px of the 812.
    const header = page.getByTestId('chat-header');
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(100);
    const project = page.getByLabel('Project', { exact: true });
    await expect(project.isVisible()).resolves.toBe(false);
    await screenshot(page, 'chat-phone-375');

    const fields = page.getByRole('button', { name: /^Model and project:/ });
    await fields.focus();
    await page.keyboard.press('Enter');
    await project.waitFor();
    await expect(page.getByLabel('Provider').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Model', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Answer settings' }).isVisible()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone-375-fields');
    // The fields follow their button in Tab order; a project chosen there shows on the button.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('chat-project');
    await project.selectOption({ label: 'Travel' });
    await page.keyboard.press('Escape');
    await expect.poll(() => project.isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe('chat-pickers');
    await expect.poll(() => fields.textContent()).toContain('Travel');
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(100);

    // Picking a model closes the fields by themselves, focus back on their button (they stayed
    // open over the chat until the button, Esc or a press outside); a provider change alone
    // keeps them open, so its model can be chosen.
    await page.keyboard.press('Enter');
    await project.waitFor();
    const providerField = page.getByLabel('Provider');
    await providerField.selectOption('ollama');
    await page.locator('[data-testid="model-picker"][data-models="ready"]').waitFor();
    await expect(project.isVisible()).resolves.toBe(true);
    await expect(fields.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.getByLabel('Model', { exact: true }).selectOption('qwen2.5-coder');
    await expect.poll(() => project.isVisible()).toBe(false);
    await expect.poll(() => fields.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe('chat-pickers');
    await expect.poll(() => fields.textContent()).toContain('Qwen 2.5 Coder');
    // "Other model…" keeps them open for the id to be typed; Enter picks it.
    await page.keyboard.press('Enter');
    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Other model…' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    await expect(project.isVisible()).resolves.toBe(true);
    await page.keyboard.type('llama3.3');
    await page.keyboard.press('Enter');
    await expect.poll(() => project.isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe('chat-pickers');
    await expect.poll(() => fields.textContent()).toContain('llama3.3');
  });

  it('laptop: a chat header panel closes with Esc and gives focus back to its button; every control shows a focus ring', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    await signUp(page);
    await sendAndWait(page, 'Hello from the keyboard', 0);

    const exportButton = page.getByRole('button', { name: 'Export' });
    await exportButton.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('group', { name: 'Export this chat' });
    await panel.waitFor();
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Markdown (.md)');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    await expect(focused(page)).resolves.toBe('Export');

    // Answer settings (a panel beside the model picker): the same.
    const settings = page.getByRole('button', { name: 'Answer settings' });
    await settings.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Answer settings' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('group', { name: 'Answer settings' }).count()).toBe(0);
    await expect(focused(page)).resolves.toMatch(/^Answer settings/);

    // The keyboard shortcuts dialog traps focus and gives it back.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      // In the dialog, or out to the browser's own controls (a modal dialog lets Tab leave the page), never the page behind.
      await expect(page.evaluate(() => document.activeElement === document.body || document.activeElement?.closest('dialog') !== null)).resolves.toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect(focused(page)).resolves.toBe('Keyboard shortcuts');

    // A focus ring on whatever the keyboard lands on, screen by screen.
    const missing: string[] = [];
    for (const path of ['/chat', '/prompts', '/prompts/new', '/projects', '/playground', '/usage', '/settings', '/settings/security']) {
      await open(page, path);
      await page.locator('body').click({ position: { x: 1, y: 790 } });
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const ring = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return null;
          const style = getComputedStyle(el);
          const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
          const shadow = style.boxShadow !== 'none';
          return { ok: outlined || shadow, what: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"` };
        });
        if (ring && !ring.ok) missing.push(`${path}: ${ring.what}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('axe: reset password, not found, and open menus and dialogs, at phone and laptop widths in light and dark', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    // /reset-password opens only for a session a recovery link opened: make this one such.
    await open(page, '/login/forgot');
    const reset = page.getByRole('form', { name: 'Reset password' });
    await reset.getByLabel('Email').fill(email);
    await reset.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status', { name: 'Check your inbox' }).waitFor();
    await followMailLink(page, await waitForMail(e2e.stack.inboxUrl!, email));
    await page.waitForURL('**/reset-password');
    await open(page, '/chat');
    await sendAndWait(page, 'Hello, axe', 0);
    await waitForChatPage(page);
    const chatPath = new URL(page.url()).pathname;
    type State = { name: string; path: string; then?: (page: Page) => Promise<void> };
    const states: State[] = [
      { name: 'reset-password', path: '/reset-password' },
      {
        name: 'reset-password-error', path: '/reset-password', then: async (p) => {
          await p.getByRole('textbox', { name: 'New password' }).fill('long-enough-1');
          await p.getByLabel('Repeat it').fill('long-enough-2');
          await p.getByRole('button', { name: 'Save password' }).click();
          await p.getByRole('alert').waitFor();
        },
      },
      // An email link's page (opening it uses nothing up).
      { name: 'email-link', path: '/auth/confirm?token_hash=0a1b2c3d&type=recovery&next=/reset-password' },
      { name: 'not-found', path: '/prompts/00000000-0000-4000-8000-000000000000' },
      {
        name: 'export-open', path: chatPath, then: async (p) => {
          if ((p.viewportSize()?.width ?? 0) < 640) await p.getByRole('button', { name: 'Chat actions' }).click();
          await p.getByRole('button', { name: 'Export' }).click();
          await p.getByRole('group', { name: 'Export this chat' }).waitFor();
        },
      },
      {
        name: 'share-open', path: chatPath, then: async (p) => {
          if ((p.viewportSize()?.width ?? 0) < 640) await p.getByRole('button', { name: 'Chat actions' }).click();
          await p.getByRole('button', { name: 'Share' }).click();
          await p.getByRole('dialog', { name: 'Share this chat' }).waitFor();
        },
      },
      {
        name: 'answer-settings-open', path: chatPath, then: async (p) => {
          await p.getByRole('button', { name: 'Answer settings' }).click();
          await p.getByRole('group', { name: 'Answer settings' }).waitFor();
        },
      },
      {
        name: 'shortcuts-open', path: '/prompts', then: async (p) => {
          await p.getByRole('button', { name: 'Keyboard shortcuts' }).first().click().catch(async () => {
            await p.getByRole('button', { name: 'Menu' }).click();
            await p.getByRole('button', { name: 'Keyboard shortcuts' }).click();
          });
          await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        },
      },
    ];
    // Screens themes.test.ts checks at laptop width only: here at phone width.
    const phoneScreens: State[] = [
      { name: 'prompt-new', path: '/prompts/new' },
      { name: 'settings-security', path: '/settings/security' },
      { name: 'settings-import', path: '/settings/import' },
      { name: 'menu-open', path: '/usage', then: async (p) => { await p.getByRole('button', { name: 'Menu' }).click(); await p.getByRole('link', { name: 'Settings' }).waitFor(); } },
      {
        name: 'chat-fields-open', path: chatPath, then: async (p) => {
          await p.getByRole('button', { name: /^Model and project:/ }).click();
          await p.getByLabel('Provider').waitFor();
        },
      },
      { name: 'drawer-open', path: chatPath, then: async (p) => { await p.getByRole('button', { name: 'Chats', exact: true }).click(); await p.getByRole('link', { name: 'New chat', exact: true }).waitFor(); } },
    ];
    const found: Record<string, unknown> = {};
    // One browser context per theme, signed in as the same person, checked side by side.
    const pages = { light: page, dark: await e2e.newPage({ sameUserAs: page }) };
    await open(pages.dark, chatPath);
    await Promise.all((['light', 'dark'] as const).map(async (theme) => {
      const themed = pages[theme];
      await useTheme(themed, theme);
      for (const [size, viewport] of [['phone', PHONE], ['laptop', LAPTOP]] as const) {
        await themed.setViewportSize(viewport);
        for (const state of [...states, ...(size === 'phone' ? phoneScreens : [])]) {
          await open(themed, state.path);
          await state.then?.(themed);
          const violations = await seriousViolations(themed);
          if (violations.length) found[`${size}-${theme}-${state.name}`] = violations;
        }
        // Signed out: the sign-in screens at phone width (themes.test.ts has them at laptop width).
        if (size !== 'phone') continue;
        const guest = await e2e.newPage();
        await guest.setViewportSize(viewport);
        await open(guest, '/login');
        await useTheme(guest, theme);
        for (const path of ['/login', '/login?mode=signup', '/login/forgot', '/login?error=reset_link']) {
          await open(guest, path);
          const violations = await seriousViolations(guest);
          if (violations.length) found[`${size}-${theme}-${path}`] = violations;
        }
        await guest.context().close();
      }
    }));
    expect(found).toEqual({});
  }, 600_000);

  it('a chat, prompt or project that does not exist (or is not yours) is explained in the app’s words, with a way back', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const missing = '00000000-0000-4000-8000-000000000000';
    await open(page, `/chat/${missing}`);
    // It said "Session not found": the name of a database table, not of anything on screen.
    await page.getByText('This chat does not exist. It may have been deleted, or it was never shared with you.').waitFor();
    await expect(page.locator('main').innerText()).resolves.not.toMatch(/session/i);
    await page.getByRole('link', { name: 'Back to chat' }).waitFor();
    await open(page, `/prompts/${missing}`);
    await page.getByText('This prompt does not exist.').waitFor();
    await open(page, `/projects/${missing}`);
    await page.getByText('This project does not exist. It may have been deleted.').waitFor();
    await expect(page.locator('main').innerText()).resolves.not.toContain('Project not found');
  });
});
