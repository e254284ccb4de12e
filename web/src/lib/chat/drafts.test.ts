import { describe, expect, it } from 'vitest';
import { memoryStorage } from './memory-storage.ts';
import { carryDraft, forgetAllDrafts, readDraft, readDraftFiles, readDraftRefusal, readQueued, writeDraft, writeDraftFiles, writeDraftRefusal, writeQueued } from './drafts.ts';

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
});
