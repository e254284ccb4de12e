// Steps the prompt journeys share (prompts.test.ts, prompts-public.test.ts, prompt-picker.test.ts).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { open } from './helpers.ts';

/** Creates a prompt from the editor at /prompts/new; the page is then the prompt's own. */
export async function createPrompt(page: Page, fields: { title: string; content: string; tags?: string; isPublic?: boolean; temperature?: string; maxTokens?: string }) {
  await open(page, '/prompts/new');
  await page.getByLabel('Title').fill(fields.title);
  await page.getByLabel('Template').fill(fields.content);
  if (fields.temperature) await page.getByLabel('Temperature').fill(fields.temperature);
  if (fields.maxTokens) await page.getByLabel('Max tokens').fill(fields.maxTokens);
  if (fields.tags) await page.getByLabel('Tags (comma separated)').fill(fields.tags);
  if (fields.isPublic) await page.getByLabel('Public', { exact: false }).check();
  await page.getByRole('button', { name: 'Create prompt' }).click();
  await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
}

/** Saves the editor's template as a new version with a change note; waits for `v<expectVersion>`. */
export async function saveVersion(page: Page, content: string, note: string, expectVersion: number) {
  await page.getByLabel('Template').fill(content);
  await page.getByLabel('Change note (optional)').fill(note);
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('heading', { level: 1 }).locator('xpath=..').getByText(`v${expectVersion}`, { exact: false }).first().waitFor();
  // The note went with that version; the next one starts without it.
  await expect.poll(() => page.getByLabel('Change note (optional)').inputValue()).toBe('');
}
