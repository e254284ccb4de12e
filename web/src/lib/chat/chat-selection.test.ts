import { describe, expect, it } from 'vitest';
import { stillShown, toggled, withRange } from './chat-selection';

describe('chat selection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('a click toggles one chat', () => {
    expect([...toggled(new Set(['a']), 'b')]).toEqual(['a', 'b']);
    expect([...toggled(new Set(['a', 'b']), 'a')]).toEqual(['b']);
  });

  it('Shift+click picks every chat shown between the anchor and the one clicked, either way, keeping the others', () => {
    expect([...withRange(new Set(['e']), order, 'b', 'd')].sort()).toEqual(['b', 'c', 'd', 'e']);
    expect([...withRange(new Set(), order, 'd', 'b')].sort()).toEqual(['b', 'c', 'd']);
  });

  it('without an anchor shown, Shift+click toggles the one clicked', () => {
    expect([...withRange(new Set(), order, null, 'c')]).toEqual(['c']);
    expect([...withRange(new Set(['c']), order, 'gone', 'c')]).toEqual([]);
  });

  it('chats that left the list leave the selection', () => {
    expect([...stillShown(new Set(['a', 'x', 'c']), order)]).toEqual(['a', 'c']);
  });
});
