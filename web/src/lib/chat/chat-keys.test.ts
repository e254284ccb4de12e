import { describe, expect, it } from 'vitest';
import { chatShortcut } from './chat-keys.ts';

const press = (key: string, code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) =>
  chatShortcut({ key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('chatShortcut', () => {
  it('knows ChatGPT\'s shortcuts, with Ctrl or ⌘', () => {
    expect(press('O', 'KeyO', { ctrlKey: true, shiftKey: true })).toBe('new-chat');
    expect(press('o', 'KeyO', { metaKey: true, shiftKey: true })).toBe('new-chat');
    expect(press('C', 'KeyC', { ctrlKey: true, shiftKey: true })).toBe('copy-last-answer');
    expect(press('Escape', 'Escape', { shiftKey: true })).toBe('focus-composer');
  });

  it('leaves other presses alone: plain copy, Esc alone, Alt combinations, typing', () => {
    expect(press('c', 'KeyC', { ctrlKey: true })).toBeNull();
    expect(press('Escape', 'Escape')).toBeNull();
    expect(press('O', 'KeyO', { ctrlKey: true, shiftKey: true, altKey: true })).toBeNull();
    expect(press('O', 'KeyO', { shiftKey: true })).toBeNull();
  });
});
