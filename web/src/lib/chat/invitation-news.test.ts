import { describe, expect, it } from 'vitest';
import { arrivalNews, arrivals, invitationCount } from './invitation-news';

const invitation = (id: string, title: string | null = 'Plan') => ({ id, inviter_name: 'olive', session_title: title });

describe('what is said of pending invitations', () => {
  it('counts them in words for the Chats button', () => {
    expect(invitationCount(1)).toBe('1 invitation');
    expect(invitationCount(3)).toBe('3 invitations');
  });

  it('announces nothing on the first read: what waited before is counted, not read out as news', () => {
    const first = arrivals(null, [invitation('a')]);
    expect(first.fresh).toEqual([]);
    expect([...first.seen]).toEqual(['a']);
  });

  it('announces an invitation once: when it arrives, not on later reads that still list it', () => {
    let { seen } = arrivals(null, []);
    const came = arrivals(seen, [invitation('a')]);
    expect(came.fresh.map((i) => i.id)).toEqual(['a']);
    seen = came.seen;
    expect(arrivals(seen, [invitation('a')]).fresh).toEqual([]);
    // Answered (gone from the list), then read again from an older answer: still not news.
    expect(arrivals(arrivals(seen, []).seen, [invitation('a')]).fresh).toEqual([]);
  });

  it('says who invites to which chat, or how many came at once', () => {
    expect(arrivalNews([])).toBe('');
    expect(arrivalNews([invitation('a', null)])).toBe('New invitation: olive invites you to “Untitled chat”. It is under Invitations in Chats.');
    expect(arrivalNews([invitation('a'), invitation('b')])).toBe('2 new invitations to group chats. They are under Invitations in Chats.');
  });
});
