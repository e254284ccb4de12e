import { describe, expect, it } from 'vitest';
import { VARIABLE_FIELD, variableValues } from './prompt-at.ts';

describe('variableValues', () => {
  it("reads the variables' fields only, leaves empty ones to their defaults, and keeps a text's lines as LF", () => {
    const form = new FormData();
    form.set('name', 'Project');
    form.set(`${VARIABLE_FIELD}report`, 'Line one.\r\nLine two.\r\n\r\n- a');
    form.set(`${VARIABLE_FIELD}名前`, 'Ada');
    form.set(`${VARIABLE_FIELD}tone`, '');
    expect(variableValues(form)).toEqual({ report: 'Line one.\nLine two.\n\n- a', 名前: 'Ada' });
  });
});
