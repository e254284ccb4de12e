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
