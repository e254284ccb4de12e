import { describe, expect, it } from 'vitest';
import { segmentTemplate } from './prompt-variables.ts';

describe('segmentTemplate', () => {
  it('marks each valid slot and keeps the text between them', () => {
    expect(segmentTemplate('Hi {{name}}, write {{ tone | formal }} text.')).toEqual([
      { text: 'Hi ' },
      { text: '{{name}}', variable: 'name' },
      { text: ', write ' },
      { text: '{{ tone | formal }}', variable: 'tone' },
      { text: ' text.' },
    ]);
  });

  it('leaves braces that are not variables as plain text', () => {
    expect(segmentTemplate('{{ 1bad }} and {{}}')).toEqual([{ text: '{{ 1bad }} and {{}}' }]);
  });

  it('keeps escaped braces as text, as the renderer does', () => {
    expect(segmentTemplate('Mustache: \\{{name}}, for {{who}}; \\{{{x}}}')).toEqual([
      { text: 'Mustache: \\{{name}}, for ' },
      { text: '{{who}}', variable: 'who' },
      { text: '; \\{{{x}}}' },
    ]);
  });

  it('shows a JSON default as part of its slot, the closing braces included', () => {
    expect(segmentTemplate('Use {{cfg|{"a":{"b":1}}}} now')).toEqual([
      { text: 'Use ' },
      { text: '{{cfg|{"a":{"b":1}}}}', variable: 'cfg' },
      { text: ' now' },
    ]);
  });

  it('rejoins to the original template', () => {
    const template = 'a {{x}}{{y|z}} b {{';
    expect(segmentTemplate(template).map((s) => s.text).join('')).toBe(template);
  });
});
