import { describe, expect, it } from 'vitest';
import { othersAsked, paidByOthersLine, usageAsker } from './usage-askers.ts';

const me = 'me-id';

describe('usageAsker (QA 8 #5)', () => {
  it('says "You", a member by name, "Former member" for a deleted account, and "Not recorded" for older calls', () => {
    expect(usageAsker({ asked_by: me, asked_by_name: 'Olive', purpose: 'chat' }, me)).toBe('You');
    expect(usageAsker({ asked_by: 'ann-id', asked_by_name: 'Ann', purpose: 'chat' }, me)).toBe('Ann');
    expect(usageAsker({ asked_by: null, asked_by_name: null, purpose: 'chat' }, me)).toBe('Former member');
    expect(usageAsker({ asked_by: null, asked_by_name: null, purpose: null }, me)).toBe('Not recorded (older calls)');
  });

  it('in a By person group, where deleted accounts and older calls share one row, says both', () => {
    expect(usageAsker({ asked_by: null, asked_by_name: null }, me)).toBe('Former members and older calls');
    expect(usageAsker({ asked_by: 'ann-id', asked_by_name: 'Ann' }, me)).toBe('Ann');
  });

  it('never shows an id: a name the API did not give reads "Former member"', () => {
    expect(usageAsker({ asked_by: 'gone-id', asked_by_name: null, purpose: 'chat' }, me)).toBe('Former member');
  });
});

describe('othersAsked', () => {
  it('is true only when someone other than the reader asked: not for calls logged before askers were', () => {
    expect(othersAsked([{ asked_by: me }], me)).toBe(false);
    expect(othersAsked([{ asked_by: me }, { asked_by: 'ann-id' }], me)).toBe(true);
    expect(othersAsked([{ asked_by: null }, { asked_by: me }], me)).toBe(false);
    expect(othersAsked([{ asked_by: null }, { asked_by: 'ann-id' }], me)).toBe(true);
    expect(othersAsked([], me)).toBe(false);
  });
});

describe('paidByOthersLine', () => {
  it('counts the calls and tokens someone else paid for, by their name, without dollars', () => {
    expect(paidByOthersLine({ payer_name: 'Olive', calls: 3, total_tokens: 1234 }))
      .toBe('3 calls you asked in this range were paid by Olive (their key): 1,234 tokens. What they cost is on their Usage, not yours.');
    expect(paidByOthersLine({ payer_name: 'Olive', calls: 1, total_tokens: 1 }))
      .toBe('1 call you asked in this range was paid by Olive (their key): 1 token. What it cost is on their Usage, not yours.');
    expect(paidByOthersLine({ payer_name: 'Olive', calls: 3, total_tokens: 1234 })).not.toMatch(/\$/);
  });

  it("says \"in this chat\" in a chat's usage panel", () => {
    expect(paidByOthersLine({ payer_name: 'Olive', calls: 2, total_tokens: 40 }, 'chat'))
      .toBe('2 calls you asked in this chat were paid by Olive (their key): 40 tokens. What they cost is on their Usage, not yours.');
  });
});
