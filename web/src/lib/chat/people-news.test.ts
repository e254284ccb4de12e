import { describe, expect, it } from 'vitest';
import { goneSentence, peopleNews, type PeopleLists } from './people-news';

const owner = { user_id: 'o', display_name: 'alice', email: 'alice@example.test', role: 'owner' };
const bob = { user_id: 'b', display_name: 'bob', email: 'bob@example.test', role: 'member' };
const carol = { user_id: 'c', display_name: 'carol', email: 'carol@example.test', role: 'member' };

describe("the People panel's sentences", () => {
  it('says who joined, whose invitation went without them, and who is gone', () => {
    const before: PeopleLists = { people: [owner, bob], pending: [{ email: 'carol@example.test' }, { email: 'dan@example.test' }] };
    const after: PeopleLists = { people: [owner, carol], pending: [] };
    expect(peopleNews(before, after)).toEqual([
      'carol@example.test joined.',
      'The invitation of dan@example.test is gone: declined, or cancelled elsewhere.',
      'bob@example.test is no longer in this chat.',
    ]);
    expect(peopleNews(after, after)).toEqual([]);
  });

  it('tells why a cancelled invitation was not found: accepted, or already gone', () => {
    const accepted: PeopleLists = { people: [owner, carol], pending: [] };
    expect(goneSentence({ invitation: 'carol@example.test' }, accepted)).toBe('carol@example.test has already accepted: they are in this chat.');
    expect(goneSentence({ invitation: 'dan@example.test' }, accepted)).toBe('dan@example.test is no longer invited: they declined, or it was cancelled elsewhere.');
    expect(goneSentence({ invitation: 'dan@example.test' }, { people: [owner], pending: [{ email: 'dan@example.test' }] }))
      .toBe('The invitation of dan@example.test changed meanwhile: try again.');
  });

  it('tells that a person acted on has left', () => {
    expect(goneSentence({ person: bob }, { people: [owner], pending: [] })).toBe('bob@example.test is no longer in this chat.');
  });
});
