import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from './memory-storage.ts';
import {
  countWaiting,
  carryDraft, DRAFT_IDLE_MS, flushDrafts, flushDraftsOnLeaving, forgetAllDrafts, forgetDraftsOfOthers, readDraft, readDraftFiles, readDraftRefusal, readQueued,
  writeDraft, writeDraftFiles, writeDraftRefusal, writeDraftSoon, writeQueued,
} from './drafts.ts';

/** A Storage in memory that lists the drafts' writes (each copies the whole box). */
function countingStorage(): { store: Storage; writes: string[] } {
  const store = memoryStorage();
  const writes: string[] = [];
  const setItem = store.setItem;
  store.setItem = (k, v) => {
    if (k.startsWith('mrprompt-draft:')) writes.push(v);
    setItem(k, v);
  };
  return { store, writes };
}

describe('chat drafts', () => {
  it('keeps each chat\'s text apart, per user, and forgets an emptied box', () => {
    const store = memoryStorage();
    writeDraft('ann', 'chat-1', 'half a question', store);
    writeDraft('ann', null, 'a new chat\'s first line', store);
    expect(readDraft('ann', 'chat-1', store)).toBe('half a question');
    expect(readDraft('ann', null, store)).toBe('a new chat\'s first line');
    expect(readDraft('ann', 'chat-2', store)).toBe('');
    expect(readDraft('bob', 'chat-1', store)).toBe(''); // the next person in the same tab
    writeDraft('ann', 'chat-1', '  ', store);
    expect(readDraft('ann', 'chat-1', store)).toBe('');
    expect(store.length).toBe(1);
  });

  it('types on when storage refuses (full, blocked) and reads nothing without it', () => {
    const full = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } } as Storage;
    expect(() => writeDraft('ann', 'chat-1', 'text', full)).not.toThrow();
    expect(readDraft('ann', 'chat-1', null)).toBe('');
  });

  it('forgets every draft on signing out, and nothing else the tab keeps', () => {
    const store = memoryStorage();
    writeDraft('ann', 'chat-1', 'a private question', store);
    writeDraft('ann', null, 'a new chat', store);
    writeDraft('bob', 'chat-2', 'bob too', store);
    store.setItem('other-app', 'kept');
    forgetAllDrafts(store);
    expect(readDraft('ann', 'chat-1', store)).toBe('');
    expect(readDraft('ann', null, store)).toBe('');
    expect(readDraft('bob', 'chat-2', store)).toBe('');
    expect(store.getItem('other-app')).toBe('kept');
  });

  // QA 7: after a refused send, Settings and back kept the question but not the alert saying why.
  it("keeps a refusal with its chat's draft until the box is sent or emptied, and forgets it on signing out", () => {
    const store = memoryStorage();
    const refusal = { message: 'No key for Custom. Your text is back in the message box.', fix: { href: '/settings#key-custom', label: 'Fix it in Settings' }, resend: false };
    writeDraft('ann', null, 'the question', store);
    writeDraftRefusal('ann', null, refusal, store);
    expect(readDraftRefusal('ann', null, store)).toEqual(refusal);
    expect(readDraftRefusal('ann', 'chat-1', store)).toBeNull();
    expect(readDraftRefusal('bob', null, store)).toBeNull();
    writeDraft('ann', null, 'the question, reworded', store); // typing on keeps it
    expect(readDraftRefusal('ann', null, store)).toEqual(refusal);
    writeDraft('ann', null, '', store); // sent or emptied
    expect(readDraftRefusal('ann', null, store)).toBeNull();

    writeDraftRefusal('ann', 'chat-1', refusal, store);
    writeDraftRefusal('ann', 'chat-1', null, store); // dismissed
    expect(readDraftRefusal('ann', 'chat-1', store)).toBeNull();
    writeDraftRefusal('ann', 'chat-1', refusal, store);
    forgetAllDrafts(store);
    expect(store.length).toBe(0);
  });

  it('reads no kept refusal that is malformed or links outside the app', () => {
    const store = memoryStorage();
    store.setItem('mrprompt-draft-refusal:ann:new', '{not json');
    expect(readDraftRefusal('ann', null, store)).toBeNull();
    for (const href of ['https://evil.example/', '//evil.example/', 'javascript:alert(1)']) {
      writeDraftRefusal('ann', null, { message: 'x', fix: { href, label: 'Fix' }, resend: false }, store);
      expect(readDraftRefusal('ann', null, store)).toBeNull();
    }
  });

  it("a closed chat's draft waits in a new chat's box, unless that holds something already", () => {
    const store = memoryStorage();
    writeDraft('ann', 'gone', 'unsent words', store);
    expect(carryDraft('ann', 'gone', 'unsent words', store)).toBe(true);
    expect(readDraft('ann', null, store)).toBe('unsent words');
    expect(readDraft('ann', 'gone', store)).toBe('');
    writeDraft('ann', 'also-gone', 'other words', store);
    expect(carryDraft('ann', 'also-gone', 'other words', store)).toBe(false);
    expect(readDraft('ann', null, store)).toBe('unsent words');
    expect(readDraft('ann', 'also-gone', store)).toBe('');
  });

  // QA 3: a reload kept a draft's text but not its files.
  it("keeps the box's files per chat: uploaded ones to put back, unfinished ones named as lost", () => {
    const store = memoryStorage();
    writeDraftFiles('ann', 'chat-1', [
      { path: 'ann/chat/1/plan.pdf', name: 'plan.pdf', uploaded: true },
      { path: 'ann/chat/2/big.csv', name: 'big.csv', uploaded: false },
    ], store);
    expect(readDraftFiles('ann', 'chat-1', store)).toEqual({ kept: [{ path: 'ann/chat/1/plan.pdf', name: 'plan.pdf' }], lost: ['big.csv'] });
    expect(readDraftFiles('ann', 'chat-2', store)).toEqual({ kept: [], lost: [] });
    expect(readDraftFiles('bob', 'chat-1', store)).toEqual({ kept: [], lost: [] });
    writeDraftFiles('ann', 'chat-1', [], store);
    expect(store.length).toBe(0);
    // Something else under the key (an older version, a hand edit) reads as no files.
    store.setItem('mrprompt-draft-files:ann:new', '{not json');
    expect(readDraftFiles('ann', null, store)).toEqual({ kept: [], lost: [] });
    store.setItem('mrprompt-draft-files:ann:new', JSON.stringify([{ path: 1 }, { path: 'ann/x', name: 'x', uploaded: true }]));
    expect(readDraftFiles('ann', null, store)).toEqual({ kept: [{ path: 'ann/x', name: 'x' }], lost: [] });
    // Signing out forgets them with the text.
    writeDraftFiles('ann', 'chat-1', [{ path: 'ann/chat/1/plan.pdf', name: 'plan.pdf', uploaded: true }, { path: 'ann/chat/3/half.pdf', name: 'half.pdf', uploaded: false }], store);
    writeDraft('ann', 'chat-1', 'about the plan', store);
    expect(forgetAllDrafts(store).sort()).toEqual(['ann/chat/1/plan.pdf', 'ann/x']); // for the sign-out to remove from Storage
    expect(store.length).toBe(0);
  });
  it('signing out forgets the messages waiting to be sent too, and names their files for removal', () => {
    const store = memoryStorage();
    writeQueued('ann', 'chat-1', [{ id: 'q1', text: 'later', files: [{ path: 'ann/chat-1/1/a.md', name: 'a.md' }], turn: { provider: 'demo', model: 'm' }, queuedAt: '2026-12-06T00:00:00Z' }], store);
    store.setItem('mrprompt-queued:ann:chat-2', '[{"id":1}]'); // unreadable: dropped, not thrown on
    expect(readQueued('ann', 'chat-1', store).map((q) => q.text)).toEqual(['later']);
    expect(readQueued('ann', 'chat-2', store)).toEqual([]);
    expect(forgetAllDrafts(store)).toEqual(['ann/chat-1/1/a.md']);
    expect(store.length).toBe(0);
  });

  // Security review 16 #2: a session ended on another device (or by expiring) leaves the tab on
  // the sign-in page; the next person at this browser must find nothing of the last one's.
  describe('when a page shows someone else, or nobody', () => {
    const queued = (text: string) => [{ id: text, text, files: [{ path: `x/${text}.md`, name: `${text}.md` }], turn: { provider: 'demo', model: 'm' }, queuedAt: '2026-12-06T00:00:00Z' }];
    function keptBy(user: string, tab: Storage, shared: Storage) {
      writeDraft(user, 'chat-1', `${user}'s draft`, tab);
      writeDraftFiles(user, 'chat-1', [{ path: `${user}/chat-1/1/a.pdf`, name: 'a.pdf', uploaded: true }], tab);
      writeDraftRefusal(user, 'chat-1', { message: 'Add a key', fix: null, resend: true }, tab);
      writeQueued(user, 'chat-1', queued(`${user}'s waiting message`), shared);
    }
    const keys = (store: Storage) => Array.from({ length: store.length }, (_, i) => store.key(i)).sort();

    it('forgets the drafts, files, refusals and waiting messages of everyone but the person shown', () => {
      const [tab, shared] = [memoryStorage(), memoryStorage()];
      for (const user of ['ann', 'annabel', 'bob']) keptBy(user, tab, shared);
      tab.setItem('unrelated', '1');
      shared.setItem('mrprompt-signed-in', 'bob');
      forgetDraftsOfOthers('bob', tab, shared);
      expect(keys(tab)).toEqual(['mrprompt-draft-files:bob:chat-1', 'mrprompt-draft-refusal:bob:chat-1', 'mrprompt-draft:bob:chat-1', 'unrelated']);
      expect(keys(shared)).toEqual(['mrprompt-queued:bob:chat-1', 'mrprompt-signed-in']);
      expect(readQueued('bob', 'chat-1', shared).map((q) => q.text)).toEqual(["bob's waiting message"]);
      expect(readQueued('ann', 'chat-1', shared)).toEqual([]);
      expect(readDraft('ann', 'chat-1', tab)).toBe('');
    });

    it('forgets everyone\'s when nobody is signed in, and nothing else', () => {
      const [tab, shared] = [memoryStorage(), memoryStorage()];
      for (const user of ['ann', 'bob']) keptBy(user, tab, shared);
      writeDraft(null, null, 'typed signed out', tab);
      shared.setItem('mrprompt-signed-in', '-');
      forgetDraftsOfOthers(null, tab, shared);
      expect(keys(tab)).toEqual([]);
      expect(keys(shared)).toEqual(['mrprompt-signed-in']);
    });

    it('writes back no text of someone else\'s that was still waiting to be kept', () => {
      vi.useFakeTimers();
      try {
        const tab = memoryStorage();
        writeDraftSoon('ann', 'chat-1', 'a private question', tab);
        writeDraftSoon('bob', 'chat-1', 'bob typing', tab);
        forgetDraftsOfOthers('bob', tab, null);
        vi.advanceTimersByTime(DRAFT_IDLE_MS);
        flushDrafts();
        expect(keys(tab)).toEqual(['mrprompt-draft:bob:chat-1']);
      } finally {
        vi.useRealTimers();
        forgetAllDrafts(memoryStorage());
      }
    });
  });

  describe('kept once typing pauses', () => {
    afterEach(() => {
      forgetAllDrafts(memoryStorage()); // nothing one test left waiting is written into the next
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });

    // Open QA row: with 200 kB in the box, every key copied all of it into sessionStorage.
    it('a burst of keys is one write, after the pause; a flush writes what waits at once, and only once', () => {
      vi.useFakeTimers();
      const { store, writes } = countingStorage();
      const text = 'a long question '.repeat(1000);
      for (let i = 1; i <= 30; i++) writeDraftSoon('ann', 'chat-1', text + 'x'.repeat(i), store);
      vi.advanceTimersByTime(DRAFT_IDLE_MS - 1);
      expect(readDraft('ann', 'chat-1', store)).toBe('');
      vi.advanceTimersByTime(1);
      expect(writes).toEqual([text + 'x'.repeat(30)]);

      writeDraftSoon('ann', 'chat-1', 'typed just before a reload', store);
      writeDraftSoon('ann', 'chat-2', 'and in another chat', store);
      flushDrafts();
      expect(readDraft('ann', 'chat-1', store)).toBe('typed just before a reload');
      expect(readDraft('ann', 'chat-2', store)).toBe('and in another chat');
      vi.advanceTimersByTime(DRAFT_IDLE_MS);
      flushDrafts();
      expect(writes).toHaveLength(3);
    });

    it('an emptied box is forgotten at once, and the text typed before it is not written after', () => {
      vi.useFakeTimers();
      const { store, writes } = countingStorage();
      writeDraft('ann', null, 'kept earlier', store);
      writeDraftSoon('ann', null, 'kept earlier, and more', store);
      writeDraftSoon('ann', null, '', store); // sent: the new chat may get its id before the pause ends
      expect(readDraft('ann', null, store)).toBe('');
      vi.advanceTimersByTime(DRAFT_IDLE_MS);
      flushDrafts();
      expect(writes).toEqual(['kept earlier']);
      expect(store.length).toBe(0);
    });

    it('signing out drops what waits (nothing is written back for the next person), as does a closed chat\'s carry', () => {
      vi.useFakeTimers();
      const { store } = countingStorage();
      writeDraftSoon('ann', 'chat-1', 'a private question', store);
      forgetAllDrafts(store);
      vi.advanceTimersByTime(DRAFT_IDLE_MS);
      flushDrafts();
      expect(store.length).toBe(0);

      writeDraftSoon('ann', 'gone', 'unsent words', store);
      expect(carryDraft('ann', 'gone', 'unsent words', store)).toBe(true);
      flushDrafts();
      expect(readDraft('ann', 'gone', store)).toBe('');
      expect(readDraft('ann', null, store)).toBe('unsent words');
    });

    it('what waits is written as the page goes: on pagehide, when the tab is hidden, and when the view goes', () => {
      vi.useFakeTimers();
      const page = new EventTarget();
      const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
      vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
      vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
      vi.stubGlobal('document', doc);
      const { store, writes } = countingStorage();
      const stop = flushDraftsOnLeaving();

      writeDraftSoon('ann', 'chat-1', 'before a reload', store);
      page.dispatchEvent(new Event('pagehide'));
      expect(writes).toEqual(['before a reload']);

      writeDraftSoon('ann', 'chat-1', 'before the tab is hidden', store);
      doc.dispatchEvent(new Event('visibilitychange')); // shown again: typing goes on
      expect(writes).toHaveLength(1);
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      expect(writes.at(-1)).toBe('before the tab is hidden');

      writeDraftSoon('ann', 'chat-1', 'before another chat opens', store);
      stop();
      expect(writes.at(-1)).toBe('before another chat opens');
      writeDraftSoon('ann', 'chat-1', 'after the view went', store);
      page.dispatchEvent(new Event('pagehide')); // no longer listened to
      expect(writes).toHaveLength(3);
    });
  });
});

describe('countWaiting', () => {
  it('counts the waiting messages of every chat in the browser, for the sign-out question', () => {
    const store = memoryStorage();
    const queued = (text: string) => ({ id: crypto.randomUUID(), text, files: [], turn: { provider: 'demo', model: 'm' }, queuedAt: new Date().toISOString() });
    expect(countWaiting(store)).toBe(0);
    writeQueued('ann', 's1', [queued('one'), queued('two')], store);
    writeQueued('ann', null, [queued('in a new chat')], store);
    store.setItem('mrprompt-queued:ann:s2', 'not json');
    expect(countWaiting(store)).toBe(3);
    expect(countWaiting(null)).toBe(0);
  });
});
