import { describe, expect, it } from 'vitest';
import { followedPeople, MAX_FOLLOWED_PEOPLE, personState, personTopic, PersonTopics } from './person-presence';

describe('presence by person topic', () => {
  it('names the topic by chat, epoch and person', () => {
    expect(personTopic('s1', 0, 'u1')).toBe('session:s1:person:u1');
    expect(personTopic('s1', 3, 'u1')).toBe('session:s1:3:person:u1');
  });

  it("takes nothing but presence from a topic: any key, several tabs once, typing in any of them", () => {
    // Mia's tabs, one edited to carry the owner's id as its key: still only Mia's state.
    expect(personState({ m: [{ typing: false }], o: [{ typing: true, name: 'Olive' }] })).toEqual({ typing: true });
    expect(personState({ m: [{ typing: false }, { typing: false }] })).toEqual({ typing: false });
    expect(personState({})).toBeNull();
  });

  it('follows everyone but me, the owner first, up to the cap', () => {
    const people = [
      { user_id: 'm', role: 'member' },
      { user_id: 'me', role: 'viewer' },
      { user_id: 'o', role: 'owner' },
    ];
    expect(followedPeople(people, 'me')).toEqual(['o', 'm']);
    const crowd = Array.from({ length: MAX_FOLLOWED_PEOPLE + 5 }, (_, i) => ({ user_id: `u${i}`, role: 'member' }));
    expect(followedPeople(crowd, 'u0')).toHaveLength(MAX_FOLLOWED_PEOPLE);
  });

  it('joins the topics of new people and leaves those of people gone, without rejoining the rest', () => {
    const log: string[] = [];
    const topics = new PersonTopics((id) => {
      log.push(`join ${id}`);
      return () => log.push(`leave ${id}`);
    }, (id) => log.push(`forget ${id}`));
    topics.follow(['a', 'b']);
    topics.follow(['b', 'c']);
    expect(topics.followed).toEqual(['b', 'c']);
    topics.stop();
    expect(log).toEqual(['join a', 'join b', 'leave a', 'forget a', 'join c', 'leave b', 'forget b', 'leave c', 'forget c']);
  });
});
