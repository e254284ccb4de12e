import { describe, expect, it } from 'vitest';
import { promptChoices } from './choice-label';

describe('promptChoices', () => {
  it('tells prompts that share a title apart by their unique name and latest version, and leaves the others as titled', () => {
    const choices = promptChoices([
      { id: 'a', title: 'Trip planner', name: 'trip-planner', latest_version: 3 },
      { id: 'b', title: 'Translator', name: 'translator', latest_version: 1 },
      { id: 'c', title: 'trip planner ', name: 'trip-planner-2', latest_version: 1 },
    ]);
    expect(choices.map((c) => c.label)).toEqual(['Trip planner — trip-planner · v3', 'Translator', 'trip planner  — trip-planner-2 · v1']);
    expect(new Set(choices.map((c) => c.label)).size).toBe(3);
  });
});

describe('promptChoices with hidden characters', () => {
  it('writes a title’s direction overrides and zero-width characters as markers, since an option holds no markup', () => {
    const [invoice, joined] = promptChoices([
      { id: 'a', title: 'Invoice \u202Efdp.exe', name: 'invoice', latest_version: 1 },
      { id: 'b', title: 'Tri\u200Bp', name: 'trip', latest_version: 2 },
    ]);
    expect(invoice.label).toBe('Invoice ⟨U+202E⟩fdp.exe');
    expect(joined.label).toBe('Tri⟨U+200B⟩p');
    // The title itself stays as written: it is what an edit field shows.
    expect(invoice.title).toBe('Invoice \u202Efdp.exe');
  });
});
