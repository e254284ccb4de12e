import { describe, expect, it } from 'vitest';
import type { Message, Participant } from '$lib/api';
import { authorLabel, handedOverFrom, keyNote, otherAsker, presentNames, stopperName, typingLine, writtenByOther } from './group-labels';

const people: Participant[] = [
  { user_id: 'o', display_name: 'Olive', email: 'o@example.test', role: 'owner' },
  { user_id: 'm', display_name: 'Mia', email: 'm@example.test', role: 'member' },
];
const message = (extra: Partial<Message>): Message => ({
  id: 'id-1', session_id: 's', sender: 'user', content: 'hi', status: 'complete', error: null, provider: null, model: null,
  token_count: null, created_at: '2026-12-01T00:00:00Z', ...extra,
});

describe('group chat labels', () => {
  it('names who stopped an answer for the others, never for the one who stopped it', () => {
    const stopped = message({ sender: 'assistant', status: 'stopped', author_id: 'o', stopped_by: 'm' });
    expect(stopperName(stopped, people, 'o')).toBe('Mia');
    expect(stopperName(stopped, people, 'm')).toBeNull(); // their own stop: "Stopped"
    expect(stopperName({ ...stopped, stopped_by: null }, people, 'o')).toBeNull(); // a time limit, a deleted account
    expect(stopperName({ ...stopped, stopped_by: 'gone' }, people, 'o')).toBeNull(); // no longer in the chat: no guess
    expect(stopperName({ ...stopped, status: 'complete' }, people, 'o')).toBeNull(); // the stop came too late
  });

  it("offers to stop someone else's running answer by their name; one's own is the message box's Stop", () => {
    const running = message({ sender: 'assistant', status: 'streaming', author_id: 'o' });
    expect(otherAsker(running, people, 'm')).toBe('Olive');
    expect(otherAsker(running, people, 'o')).toBeNull();
    expect(otherAsker(message({ id: 'pending-assistant-1', sender: 'assistant', status: 'streaming' }), people, 'm')).toBeNull();
    expect(otherAsker({ ...running, author_id: 'newcomer' }, people, 'm')).toBe('someone');
  });

  it("names a message's author: you, a participant, a former member, or this tab's own draft", () => {
    expect(authorLabel(message({ author_id: 'm' }), people, 'm')).toBe('You');
    expect(authorLabel(message({ author_id: 'o' }), people, 'm')).toBe('Olive');
    expect(authorLabel(message({ author_id: 'gone', author_name: 'Rex' }), people, 'm')).toBe('Rex');
    expect(authorLabel(message({ author_id: null, author_name: null }), people, 'm')).toBe('Former member');
    // A name read before a live row cleared the author (the account was deleted) is not shown.
    expect(authorLabel(message({ author_id: null, author_name: 'Rex' }), people, 'm')).toBe('Former member');
    expect(authorLabel(message({ id: 'pending-user-1' }), people, 'm')).toBe('You');
    expect(authorLabel(message({}), people, 'm')).toBe('You');
  });

  // QA 7: a handed-over chat kept its deleted owner's name on their messages until a reload.
  it('names an account deleted while the chat was open a former member, whatever the rows still say', () => {
    const deleted = new Set(['o']);
    expect(authorLabel(message({ author_id: 'o', author_name: 'Olive' }), people, 'm', deleted)).toBe('Former member');
    expect(authorLabel(message({ author_id: 'm' }), people, 'm', deleted)).toBe('You');
    expect(authorLabel(message({ author_id: 'm' }), people, 'o', deleted)).toBe('Mia');
  });

  it("tells someone else's words from this person's own, a deleted account's included", () => {
    expect(writtenByOther(message({ author_id: 'o' }), 'o')).toBe(false);
    expect(writtenByOther(message({ author_id: 'm' }), 'o')).toBe(true);
    expect(writtenByOther(message({ author_id: null, author_name: null }), 'o')).toBe(true);
    // Read with its author's name, then a live row cleared the author (their account was deleted):
    // still someone else's, not this person's to edit.
    expect(writtenByOther(message({ author_id: null, author_name: 'Mia' }), 'o')).toBe(true);
    // This tab's own copies: pending, or built while sending (no author, no author_name).
    expect(writtenByOther(message({ id: 'pending-user-1' }), 'o')).toBe(false);
    expect(writtenByOther(message({}), 'o')).toBe(false);
  });

  it('says whose key answers, for each role', () => {
    expect(keyNote('member', true, 'Olive')).toBe("Answered with Olive's key");
    expect(keyNote('member', false, 'Olive')).toBe('Answered with your key');
    expect(keyNote('owner', true, 'Olive')).toMatch(/your key — also members'/);
    expect(keyNote('viewer', true, 'Olive')).toBe('');
  });

  it('says who is typing', () => {
    expect([[], ['Mia'], ['Mia', 'Vic'], ['a', 'b', 'c']].map(typingLine))
      .toEqual(['', 'Mia is typing…', 'Mia and Vic are typing…', '3 people are typing…']);
  });

  it("names who is here and typing from the participants list by user id, never from the name they published", () => {
    // By person topic (lib/chat/person-presence.ts): whatever Mia's tabs published, she is Mia.
    const present = { o: { typing: false }, m: { typing: true }, x: { typing: true } };
    expect(presentNames(present, people, 'o')).toEqual(['Mia', 'Someone']);
    expect(presentNames(present, people, 'o', true)).toEqual(['Mia', 'Someone']);
    expect(presentNames(present, people, 'm')).toEqual(['Olive', 'Someone']);
    expect(presentNames({ ...present, m: { typing: false } }, people, 'o', true)).toEqual(['Someone']);
  });

  it("reads a chat's new owner as the old one's account gone, whether or not member_removed came first", () => {
    const handed: Participant[] = [{ user_id: 'm', display_name: 'Mia', email: 'm@example.test', role: 'owner' }];
    expect(handedOverFrom(people, handed)).toBe('o');
    expect(handedOverFrom(people, people)).toBeNull();
    // A member who left: the owner is the same.
    expect(handedOverFrom(people, people.slice(0, 1))).toBeNull();
    // The first read, and a read that failed to name an owner, say nothing.
    expect(handedOverFrom([], handed)).toBeNull();
    expect(handedOverFrom(people, [])).toBeNull();
  });
});
