// A new chat's id is announced (the page moves to its URL) only once its rows exist, and a
// turn that ended without them leaves no chat behind.
import { describe, expect, it } from 'vitest';
import { NewChat } from './new-chat.ts';

describe('NewChat', () => {
  it('announces a chat whose rows were written before the stream at meta', () => {
    const opened: string[] = [];
    const chat = new NewChat((id) => opened.push(id));
    chat.meta({ session_id: 's1' });
    expect(opened).toEqual(['s1']);
    expect(chat.notCreated('done')).toBe(false);
  });

  it('waits for `stored` when the answer streamed first, and announces once', () => {
    const opened: string[] = [];
    const chat = new NewChat((id) => opened.push(id));
    chat.meta({ session_id: 's2', stored: false });
    expect(opened).toEqual([]);
    chat.stored();
    chat.stored();
    expect(opened).toEqual(['s2']);
    expect(chat.notCreated('error')).toBe(false);
  });

  it('reports a turn that ended without its rows as no chat at all, and never announces it', () => {
    const opened: string[] = [];
    const chat = new NewChat((id) => opened.push(id));
    chat.meta({ session_id: 's3', stored: false });
    expect(chat.notCreated('error')).toBe(true);
    expect(chat.notCreated('done')).toBe(true);
    // A view cut by the network says nothing about the rows: the turn may still store them.
    expect(chat.notCreated('closed')).toBe(false);
    expect(opened).toEqual([]);
  });
});
