// The chat's kept system prompt in a tab: read from the chat's metadata, the refusals it causes
// worded for a web user, the values kept per user and chat, and what each turn sends for it.
// `$state` is a rune only Svelte's compiler knows; outside it a plain value does.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$lib/api';
import { memoryStorage } from './memory-storage.ts';
import { forgetKeptChoicesOfOthers, keptPromptOf, keptPromptRefusal, keptPromptWords, readKeptChoice, writeKeptChoice } from './kept-prompt.ts';
import type { KeptPrompt as KeptPromptClass } from './kept-prompt.svelte.ts';

let KeptPrompt: typeof KeptPromptClass;
beforeAll(async () => {
  vi.stubGlobal('$state', <T>(value: T) => value);
  ({ KeptPrompt } = await import('./kept-prompt.svelte.ts'));
});
beforeEach(() => vi.stubGlobal('sessionStorage', memoryStorage()));

const id = '7f0c1a52-4c1e-4a8b-9d7e-2f5b8c3a1e90';
const missing = new ApiError(422, 'missing_variables', 'send it in variables… or send "prompt_id": null', {
  kept_by: 'chat', variables: [{ name: 'client', problem: 'is missing' }, { name: 'topic', problem: 'is missing' }],
});
const gone = new ApiError(422, 'chat_prompt_unavailable', 'name another with prompt_id, or send "prompt_id": null', { prompt_id: id });

describe('the kept prompt', () => {
  it('is read from the metadata the API wrote, and nothing else', () => {
    expect(keptPromptOf({ id, label: 'production', version: null })).toEqual({ id, label: 'production', version: null });
    expect(keptPromptOf({ id })).toEqual({ id, label: null, version: null });
    for (const other of [null, undefined, 'x', { id: 'nope' }, { label: 'production' }]) expect(keptPromptOf(other)).toBeNull();
  });

  it("words its refusals without the API's request fields, and leaves other refusals alone", () => {
    expect(keptPromptRefusal(missing)).toEqual({ code: 'missing_variables', missing: ['client', 'topic'] });
    expect(keptPromptWords(missing)).toMatch(/needs values the chat does not keep: client and topic/);
    expect(keptPromptWords(gone)).toMatch(/was deleted or is no longer shared/);
    for (const words of [keptPromptWords(missing), keptPromptWords(gone)]) expect(words).not.toMatch(/prompt_id|variables/);
    // A project's prompt or one chosen for the turn: the API's words say where to fix it.
    const project = new ApiError(422, 'missing_variables', "set it in the project's settings", { kept_by: 'project', variables: [] });
    expect(keptPromptRefusal(project)).toBeNull();
    expect(keptPromptWords(new ApiError(429, 'rate_limited', 'slow down'))).toBeNull();
  });

  it('keeps the values per user and chat, in the tab', () => {
    writeKeptChoice('ann', 'chat-1', { values: { client: 'Acme' }, dropped: false });
    expect(readKeptChoice('ann', 'chat-1')).toEqual({ values: { client: 'Acme' }, dropped: false });
    expect(readKeptChoice('bob', 'chat-1')).toEqual({ values: {}, dropped: false });
    expect(readKeptChoice('ann', 'chat-2')).toEqual({ values: {}, dropped: false });
    writeKeptChoice('ann', 'chat-1', { values: {}, dropped: false });
    expect(sessionStorage.length).toBe(0);
  });

  it('forgets the values of everyone but the person shown, and everyone\'s when nobody is (security review 16 #2)', () => {
    for (const user of ['ann', 'annabel', 'bob']) writeKeptChoice(user, 'chat-1', { values: { client: `${user}'s client` }, dropped: false });
    forgetKeptChoicesOfOthers('ann');
    expect(['ann', 'annabel', 'bob'].map((user) => readKeptChoice(user, 'chat-1').values.client ?? null)).toEqual(["ann's client", null, null]);
    forgetKeptChoicesOfOthers(null);
    expect(sessionStorage.length).toBe(0);
  });

  it('asks for missing values before a turn, sends them with it and with the next, without asking again', () => {
    const kept = new KeptPrompt('ann', 'chat-1', { id, label: null, version: null });
    kept.variables = [
      { name: 'client', type: 'string', options: [], default: null, required: true },
      { name: 'tone', type: 'string', options: [], default: 'brief', required: false },
    ];
    const sent: unknown[] = [];
    kept.guard(() => sent.push(kept.turnFields()));
    expect(sent).toEqual([]);
    expect(kept.asking).not.toBeNull();
    kept.answer({ client: 'Acme', tone: '' });
    expect(sent).toEqual([{ variables: { client: 'Acme' } }]);
    kept.guard(() => sent.push(kept.turnFields()));
    expect(sent).toHaveLength(2);
    // Another view of the same chat in this tab (a reload) has them too.
    expect(new KeptPrompt('ann', 'chat-1', { id, label: null, version: null }).turnFields()).toEqual({ variables: { client: 'Acme' } });
  });

  it('gives the message back when the form is closed, and goes on without the prompt when asked', () => {
    const kept = new KeptPrompt('ann', 'chat-1', { id, label: 'production', version: null });
    kept.variables = [{ name: 'client', type: 'string', options: [], default: null, required: true }];
    let back = 0;
    let sent = 0;
    kept.guard(() => sent++, () => back++);
    kept.cancel();
    expect([sent, back]).toEqual([0, 1]);
    kept.drop(() => sent++);
    expect(sent).toBe(1);
    expect(kept.shown).toBe(false);
    expect(kept.turnFields()).toEqual({ prompt_id: null });
    expect(new KeptPrompt('ann', 'chat-1', { id, label: 'production', version: null }).turnFields()).toEqual({ prompt_id: null });
  });

  it('asks by name after a refusal when the template could not be read (a group member and the owner\'s prompt)', () => {
    const kept = new KeptPrompt('ann', 'chat-1', { id, label: null, version: 2 });
    let again = 0;
    kept.askAfterRefusal(['team'], () => again++);
    expect(kept.variables.map((v) => [v.name, v.required])).toEqual([['team', true]]);
    kept.answer({ team: 'Support' });
    expect(again).toBe(1);
    expect(kept.turnFields()).toEqual({ variables: { team: 'Support' } });
    expect(kept.versionName).toBe('v2');
  });

  it('follows the chat as another tab or device changes its prompt: gone, replaced, or the same', () => {
    const other = '0b8e7c2a-9d41-4f3e-8a6b-1c2d3e4f5a6b';
    const kept = new KeptPrompt('ann', 'chat-1', { id, label: 'production', version: null });
    const load = vi.spyOn(kept, 'load').mockResolvedValue();
    kept.title = 'Client brief';
    kept.follow({ id, label: 'production', version: null }); // a turn that kept it: nothing to read again
    expect([kept.shown, kept.title, load.mock.calls.length]).toEqual([true, 'Client brief', 0]);
    let back = 0;
    kept.variables = [{ name: 'client', type: 'string', options: [], default: null, required: true }];
    kept.guard(() => {}, () => back++);
    kept.follow(null); // removed with another device's turn
    expect([kept.shown, kept.asking, back]).toEqual([false, null, 1]);
    expect(kept.turnFields()).toEqual({});
    // Removed here but not sent yet, then replaced by a script's turn: the new prompt shows.
    kept.follow({ id, label: null, version: null });
    kept.drop();
    kept.follow({ id: other, label: null, version: 3 });
    expect([kept.shown, kept.title, kept.versionName]).toEqual([true, null, 'v3']);
    expect(kept.turnFields()).toEqual({});
    expect(load).toHaveBeenCalledTimes(2);
    expect(new KeptPrompt('ann', 'chat-1', { id: other, label: null, version: 3 }).shown).toBe(true);
  });

  it("sends the removal with a turn whose message a `/` insert wrote, which keeps the chat's prompt otherwise", () => {
    const inserted = { prompt_id: '0b8e7c2a-9d41-4f3e-8a6b-1c2d3e4f5a6b', prompt_version: 4, prompt_in_message: true as const };
    const kept = new KeptPrompt('ann', 'chat-1', { id, label: null, version: null });
    expect(kept.turnFieldsWith(inserted)).toEqual(inserted);
    kept.drop();
    expect(kept.turnFieldsWith(inserted)).toEqual({ prompt_id: null });
    expect(new KeptPrompt('ann', 'chat-2', null).turnFieldsWith(inserted)).toEqual(inserted);
  });

  it('sends nothing for a chat without one, or a new chat', () => {
    expect(new KeptPrompt('ann', 'chat-1', null).turnFields()).toEqual({});
    expect(new KeptPrompt('ann', null, { id, label: null, version: null }).shown).toBe(false);
  });
});
