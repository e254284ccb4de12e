import { describe, expect, it } from 'vitest';
import { isUndoKey, undoGoesToToast } from './undo-shortcut';

const key = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, key, ...mods,
});

describe('the undo shortcut', () => {
  it('is Ctrl+Z or ⌘Z, not redo or another chord', () => {
    expect(isUndoKey(key('z', { ctrlKey: true }))).toBe(true);
    expect(isUndoKey(key('Z', { metaKey: true }))).toBe(true);
    expect(isUndoKey(key('z', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isUndoKey(key('z', { ctrlKey: true, altKey: true }))).toBe(false);
    expect(isUndoKey(key('z'))).toBe(false);
  });

  it('goes to the toast outside a text field', () => {
    expect(undoGoesToToast({ textField: false, empty: true, typedInSinceFocus: false })).toBe(true);
  });

  it('goes to the toast from an empty message box that has just taken focus (the header Delete opens a new chat)', () => {
    expect(undoGoesToToast({ textField: true, empty: true, typedInSinceFocus: false })).toBe(true);
  });

  it('stays the field’s own while it has text, or was typed in and then emptied', () => {
    expect(undoGoesToToast({ textField: true, empty: false, typedInSinceFocus: false })).toBe(false);
    expect(undoGoesToToast({ textField: true, empty: false, typedInSinceFocus: true })).toBe(false);
    expect(undoGoesToToast({ textField: true, empty: true, typedInSinceFocus: true })).toBe(false);
  });
});
