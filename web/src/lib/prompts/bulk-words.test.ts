// What the prompt library's bulk actions say (a delete's Undo toast, its refusals) and the tags they write.
import { describe, expect, it } from 'vitest';
import { deleteEach, PendingDeletes } from '$lib/chat/pending-deletes';
import { deletedMessage, PROMPTS, retagged, type DoomedPrompt } from './bulk-words';

const doomed = (name: string, isPublic = false, projects: string[] = []): DoomedPrompt => ({ id: name, name, isPublic, projects });

describe('prompt library bulk words', () => {
  it('a delete says which projects lose their system prompt and which public prompts go', () => {
    expect(deletedMessage([doomed('Tone')])).toBe('Deleted “Tone”.');
    expect(deletedMessage([doomed('Tone'), doomed('Plan')])).toBe('2 prompts deleted.');
    expect(deletedMessage([doomed('Tone', false, ['Docs']), doomed('Plan', true)]))
      .toBe('2 prompts deleted. Project “Docs” will have no system prompt. “Plan” is public: others can no longer open or run it.');
    expect(deletedMessage([doomed('A', true, ['Docs', 'Blog']), doomed('B', true, ['Docs'])]))
      .toBe('2 prompts deleted. Projects “Docs”, “Blog” will have no system prompt. 2 are public: others can no longer open or run them.');
  });

  it('a delete says how many of your chats keep the prompt, and that they go on without it', () => {
    expect(deletedMessage([{ ...doomed('Tone'), chats: 1 }])).toBe('Deleted “Tone”. 1 of your chats keeps it as its system prompt: its next message will offer to go on without it.');
    expect(deletedMessage([{ ...doomed('Tone'), chats: 2 }, { ...doomed('Plan'), chats: 1 }, doomed('Old')]))
      .toBe('3 prompts deleted. 3 of your chats keep one of them as their system prompt: their next messages will offer to go on without it.');
    expect(deletedMessage([{ ...doomed('Tone'), chats: 0 }])).toBe('Deleted “Tone”.');
  });

  /** A PendingDeletes for prompts whose DELETEs answer as `answer` says (a promise that never
   * settles: the page is gone); `started` lists each DELETE as it starts. */
  function harness(answer: (id: string) => Promise<unknown>) {
    const said: string[] = [];
    const started: { id: string; keepalive: boolean }[] = [];
    let gone: (() => void) | undefined;
    const page = { window: new EventTarget(), document: Object.assign(new EventTarget(), { visibilityState: 'visible' }) };
    const deletes = new PendingDeletes<DoomedPrompt>({
      send: (ids, keepalive) =>
        deleteEach(
          ids,
          (id) => (started.push({ id, keepalive }), answer(id)),
          (err) => err instanceof Error && err.message === 'Not found',
        ),
      offerUndo: (message, _undo, onGone) => ((gone = onGone), said.push(message), 1),
      withdraw: () => {},
      success: (message) => said.push(message),
      error: (message) => said.push(message),
      page,
      words: { ...PROMPTS, home: 'your prompts', deleted: deletedMessage },
    });
    return { deletes, said, started, page, gone: () => gone!() };
  }

  it('of several prompts deleted together, only a refused one comes back, named; one already gone counts as deleted', async () => {
    const h = harness(async (id) => {
      if (id === 'Plan') throw new Error('Try again later');
      if (id === 'Old') throw new Error('Not found');
    });
    h.deletes.delete([doomed('Tone', true), doomed('Plan'), doomed('Old')]);
    h.gone();
    await expect.poll(() => h.said.length).toBe(2);
    expect(h.said).toEqual([
      '3 prompts deleted. “Tone” is public: others can no longer open or run it.',
      '2 of 3 prompts deleted; 1 could not be: “Plan” (Try again later). It is back in your prompts.',
    ]);
    expect(h.started).toEqual(['Tone', 'Plan', 'Old'].map((id) => ({ id, keepalive: false })));
    expect(h.deletes.hides('Plan')).toBe(false);
    expect(h.deletes.hides('Tone')).toBe(true);
    expect(h.deletes.hides('Old')).toBe(true);
  });

  it('all refused for one reason: said once, counted as prompts', async () => {
    const h = harness(async () => {
      throw new Error('Try again later');
    });
    h.deletes.delete([doomed('Tone'), doomed('Plan')]);
    h.gone();
    await expect.poll(() => h.said.length).toBe(2);
    expect(h.said[1]).toBe('Could not delete 2 prompts: Try again later. They are back in your prompts.');
    expect(h.deletes.hides('Tone')).toBe(false);
  });

  it('a page closed right after a delete starts every prompt\'s DELETE as keepalive before its event returns', () => {
    const h = harness(() => new Promise(() => {}));
    const five = ['A', 'B', 'C', 'D', 'E'].map((name) => doomed(name));
    h.deletes.delete(five);
    h.page.window.dispatchEvent(new Event('beforeunload'));
    expect(h.started).toEqual(five.map((p) => ({ id: p.id, keepalive: true })));
  });

  it('a tag change writes only what changes', () => {
    expect(retagged(['a'], 'b', true)).toEqual(['a', 'b']);
    expect(retagged(['a', 'b'], 'b', true)).toBeNull();
    expect(retagged(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(retagged(['b'], 'a', false)).toBeNull();
  });
});
