import { describe, expect, it } from 'vitest';
import { MissingVariablesError, extractVariables, renderTemplate } from './prompt-template.ts';

describe('extractVariables', () => {
  it('finds names and defaults in first-appearance order', () => {
    expect(extractVariables('Hi {{ name }}, write in {{tone|friendly}} about {{name}} and {{topic}}')).toEqual([
      { name: 'name', default: null, required: true },
      { name: 'tone', default: 'friendly', required: false },
      { name: 'topic', default: null, required: true },
    ]);
  });

  it('ignores text that only looks like a slot', () => {
    expect(extractVariables('{{ }} {{1abc}} { {x} } {{a b}}')).toEqual([]);
  });
});

describe('renderTemplate', () => {
  it('fills values and defaults', () => {
    expect(renderTemplate('Translate to {{lang|French}}: {{text}}', { text: 'hello' })).toBe('Translate to French: hello');
    expect(renderTemplate('Translate to {{lang|French}}: {{text}}', { text: 'hello', lang: 'German' })).toBe('Translate to German: hello');
  });

  it('names every missing required variable', () => {
    const attempt = () => renderTemplate('{{a}} {{b|x}} {{c}}', { b: '1' });
    expect(attempt).toThrow(MissingVariablesError);
    expect(attempt).toThrow('Missing value for variables: a, c');
  });

  it('treats an empty string as missing', () => {
    expect(() => renderTemplate('{{a}}', { a: '' })).toThrow('Missing value for variable: a');
  });

  it('does not expand slots inside values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}' })).toBe('{{b}}');
  });
});
