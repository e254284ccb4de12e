import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InvalidVariablesError, MAX_RENDERED_CHARS, MissingVariablesError, RenderedTooLongError, extractVariables, renderTemplate, templateProblems,
} from './prompt-template.ts';

describe('extractVariables', () => {
  it('finds names and defaults in first-appearance order', () => {
    expect(extractVariables('Hi {{ name }}, write in {{tone|friendly}} about {{name}} and {{topic}}')).toEqual([
      { name: 'name', type: 'string', options: [], default: null, required: true },
      { name: 'tone', type: 'string', options: [], default: 'friendly', required: false },
      { name: 'topic', type: 'string', options: [], default: null, required: true },
    ]);
  });

  it('reads types, enum options and typed defaults; the first typed use fixes the type', () => {
    expect(extractVariables('{{n:number}} {{ tone : enum(formal, casual ,formal) | formal }} {{flag:boolean|false}} {{t:string|x}} {{n}} {{m}} {{m:number|2}}')).toEqual([
      { name: 'n', type: 'number', options: [], default: null, required: true },
      { name: 'tone', type: 'enum', options: ['formal', 'casual'], default: 'formal', required: false },
      { name: 'flag', type: 'boolean', options: [], default: 'false', required: false },
      { name: 't', type: 'string', options: [], default: 'x', required: false },
      { name: 'm', type: 'number', options: [], default: '2', required: true },
    ]);
  });

  it('ignores text that only looks like a slot', () => {
    expect(extractVariables('{{ }} {{1abc}} { {x} } {{a b}} {{a:date}} {{a:enum(x}}')).toEqual([]);
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

describe('typed variables', () => {
  const template = 'Write {{n:number|3}} tips in a {{tone:enum(formal,casual)}} tone. Emoji: {{emoji:boolean|false}}.';

  it('accepts values of the right type, also as strings from a form', () => {
    expect(renderTemplate(template, { tone: 'casual' })).toBe('Write 3 tips in a casual tone. Emoji: false.');
    expect(renderTemplate(template, { n: '5', tone: 'formal', emoji: 'true' })).toBe('Write 5 tips in a formal tone. Emoji: true.');
    expect(renderTemplate(template, { n: 2.5, tone: 'formal', emoji: true })).toBe('Write 2.5 tips in a formal tone. Emoji: true.');
  });

  it('names each wrong variable and why, all at once', () => {
    const attempt = () => renderTemplate(template, { n: 'many', tone: 'angry', emoji: 'yes' });
    expect(attempt).toThrow(InvalidVariablesError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidVariablesError).problems).toEqual([
        { name: 'n', problem: 'must be a number (got "many")' },
        { name: 'tone', problem: 'must be one of formal, casual (got "angry")' },
        { name: 'emoji', problem: 'must be true or false (got "yes")' },
      ]);
      expect((error as Error).message).toContain('Variable `n` must be a number');
    }
  });

  it('takes a number written in decimals only: hex, octal and binary text is refused, not rendered as another number', () => {
    for (const [given, shown] of [['42', '42'], [' -2.50 ', '-2.50'], ['+.5', '+.5'], ['1e3', '1e3'], ['7.', '7.']]) {
      expect(renderTemplate('{{n:number}}', { n: given }), given).toBe(shown);
    }
    for (const given of ['0x10', '0b11', '0o7', 'Infinity', '1_000', '1,5', '.', 'e3']) {
      expect(() => renderTemplate('{{n:number}}', { n: given }), given).toThrow(InvalidVariablesError);
    }
    expect(() => renderTemplate('{{n:number|0x10}}', {})).toThrow('invalid default');
    expect(() => renderTemplate('{{n:number}}', { n: '1e999' })).toThrow(InvalidVariablesError);
  });

  it('inserts a number given as text as it was written: an ID past 2^53, a price, leading zeros', () => {
    const template = 'Order {{order:number}} costs {{price:number}} (ref {{ref:number}})';
    expect(renderTemplate(template, { order: '12345678901234567890', price: '19.90', ref: ' 007 ' })).toBe('Order 12345678901234567890 costs 19.90 (ref 007)');
    expect(renderTemplate('{{n:number|1.50}}', {})).toBe('1.50');
  });

  it('reports missing before invalid, and an invalid default in the template', () => {
    expect(() => renderTemplate(template, { n: 'x' })).toThrow(MissingVariablesError);
    expect(() => renderTemplate('{{n:number|lots}}', {})).toThrow('Variable `n` has an invalid default in the template: it must be a number (got "lots")');
  });

  it('any finite number renders as itself; anything else is refused (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(renderTemplate('{{n:number}}', { n })).toBe(String(n));
      }),
    );
    fc.assert(
      fc.property(fc.string().filter((s) => s.trim() === '' ? false : !Number.isFinite(Number(s.trim()))), (s) => {
        expect(() => renderTemplate('{{n:number}}', { n: s })).toThrow(InvalidVariablesError);
      }),
    );
  });
});

describe('templateProblems', () => {
  it('names a variable declared with two different types or enum values', () => {
    expect(templateProblems('{{n:number}} {{n:boolean}} {{n:string}}')).toEqual([
      '`n` is declared both as number and as boolean: give every use the same type, or type it once and write {{n}} elsewhere',
      '`n` is declared both as number and as string: give every use the same type, or type it once and write {{n}} elsewhere',
    ]);
    expect(templateProblems('{{t:enum(a,b)}} {{t:enum(a,c)|a}}')).toEqual([
      '`t` is declared both as enum(a,b) and as enum(a,c): give every use the same type, or type it once and write {{t}} elsewhere',
    ]);
    expect(templateProblems('{{n:number}} {{ n : number | 2 }} {{n}} {{t:enum(a, b)}} {{t:enum(b,a,a)}} {{t}}')).toEqual([]);
  });

  it('names what looks like a variable but is not one: an unknown type, a name over 64 characters', () => {
    const keep = '(or write \\{{ to keep the braces as text)';
    expect(templateProblems('{{n:integer}} {{tone:enum(a,b}} {{ok}}')).toEqual([
      `{{n:integer}} is not a variable: \`integer\` is not a type — use string, number, boolean or enum(a,b) ${keep}`,
      `{{tone:enum(a,b}} is not a variable: \`enum(a,b\` is not a type — use string, number, boolean or enum(a,b) ${keep}`,
    ]);
    expect(templateProblems(`{{${'x'.repeat(65)}}}`)).toEqual([`{{${'x'.repeat(55)}… is not a variable: a name is at most 64 characters ${keep}`]);
    // Escaped, or not variable-shaped at all (Vue, Handlebars blocks, Go), they are text.
    expect(templateProblems('\\{{n:integer}} {{ a ? b : c }} {{#each items}} {{/each}} {{ .Values.image }} {{- .Name }} {{}} \\{{{x}}} \\{{customer name}}')).toEqual([]);
  });

  it('names words that are not a name (a space, a leading digit, an emoji), which would otherwise reach the model as text', () => {
    const rule = 'is not a name — use letters, digits, _ . or -, no spaces, starting with a letter or _ (or write \\{{ to keep the braces as text)';
    expect(templateProblems('Hi {{customer name}}, your {{1st}} order {{ order id : number | 7 }} {{ok}}')).toEqual([
      `{{customer name}} is not a variable: \`customer name\` ${rule}`,
      `{{1st}} is not a variable: \`1st\` ${rule}`,
      `{{ order id : number | 7 }} is not a variable: \`order id\` ${rule}`,
    ]);
    expect(templateProblems('{{emoji_😀}}')).toEqual([]); // not word-shaped: text, as before
  });
});

describe('names in any script', () => {
  it('a name of letters in any script is a variable, read the same by extracting, rendering and the checks', () => {
    const template = 'Hallo {{名前}}, Größe {{größe:enum(S,M)|M}}, {{नाम}} {{имя_2}} {{Ünïcödé.x-y}}';
    expect(extractVariables(template).map((v) => [v.name, v.required])).toEqual([['名前', true], ['größe', false], ['नाम', true], ['имя_2', true], ['Ünïcödé.x-y', true]]);
    expect(templateProblems(template)).toEqual([]);
    expect(renderTemplate(template, { 名前: 'Ada', नाम: 'x', имя_2: 'y', 'Ünïcödé.x-y': 'z' })).toBe('Hallo Ada, Größe M, x y z');
    expect(() => renderTemplate(template, {})).toThrow('Missing value for variables: 名前, नाम, имя_2, Ünïcödé.x-y');
  });

  it("counts a name's 64 characters as code points: 64 letters outside the BMP are a name, 65 are named as too long", () => {
    const long = '𠮷'.repeat(64);
    expect(extractVariables(`{{${long}}}`).map((v) => v.name)).toEqual([long]);
    expect(templateProblems(`{{${long}𠮷}}`)).toEqual([expect.stringContaining('a name is at most 64 characters')]);
  });
});

describe('escaped braces', () => {
  it('a backslash before {{ keeps the braces as text, and is dropped when rendering', () => {
    const template = 'Mustache: \\{{name}} and \\{{ n:number }}; greet {{who}}';
    expect(extractVariables(template).map((v) => v.name)).toEqual(['who']);
    expect(renderTemplate(template, { who: 'Ada', name: 'x', n: 1 })).toBe('Mustache: {{name}} and {{ n:number }}; greet Ada');
  });

  it('values are never unescaped or re-read', () => {
    expect(renderTemplate('{{a}} \\{{b}}', { a: '\\{{b}}' })).toBe('\\{{b}} {{b}}');
  });
});

describe('defaults with braces', () => {
  it('a JSON default is one slot, filled as written and never read as a template again', () => {
    const template = 'Filter: {{filter|{"status":"open","tags":{"any":["a","b"]}}}} by {{who}}';
    expect(extractVariables(template)).toEqual([
      { name: 'filter', type: 'string', options: [], default: '{"status":"open","tags":{"any":["a","b"]}}', required: false },
      { name: 'who', type: 'string', options: [], default: null, required: true },
    ]);
    expect(templateProblems(template)).toEqual([]);
    expect(renderTemplate(template, { who: 'Ada' })).toBe('Filter: {"status":"open","tags":{"any":["a","b"]}} by Ada');
    expect(renderTemplate(template, { who: 'Ada', filter: '{}' })).toBe('Filter: {} by Ada');
    // A default that looks like a slot stays text: it is not expanded with the other values.
    expect(renderTemplate('{{a|{{b}}}} and {{b|B}}', {})).toBe('{{b}} and B');
    expect(renderTemplate('{{a|{{b}}}} and {{b|B}}', { b: 'X' })).toBe('{{b}} and X');
    expect(extractVariables('{{a|{{b}}}}')).toEqual([{ name: 'a', type: 'string', options: [], default: '{{b}}', required: false }]);
  });

  it('names a default whose braces do not pair up (or nest deeper than two) instead of sending it as text', () => {
    const keep = '(or write \\{{ to keep the braces as text)';
    const unpaired = '… is not a variable: its default does not end with }} — braces in a default must pair up, at most two deep ' + keep;
    expect(extractVariables('{{cfg|{"a":1}} and {{x}}').map((v) => v.name)).toEqual(['x']);
    expect(templateProblems('{{cfg|{"a":1}}')).toEqual([`{{cfg|${unpaired}`]);
    expect(templateProblems('{{cfg:string|{"a":{"b":{"c":1}}}}}')).toEqual([`{{cfg:string|${unpaired}`]);
    // Typed defaults are still checked; escaped braces are text.
    expect(templateProblems('{{n:number|{1}}}')).toEqual(['the default of `n` must be a number (got "{1}")']);
    expect(templateProblems('\\{{cfg|{"a":1}}')).toEqual([]);
  });
});

describe('the rendered length', () => {
  // Audit B2: 20,000 uses of one slot times a 20,000-character value is 400 M characters,
  // built by the render before anything looked at its size (and a crash of the function).
  it('refuses a text over MAX_RENDERED_CHARS (1,000,000) before building it, and renders one of exactly that length', () => {
    const template = '{{a}}'.repeat(20_000);
    expect(renderTemplate(template, { a: 'z'.repeat(50) })).toHaveLength(1_000_000);
    const refused = (a: string) => { try { renderTemplate(template, { a }); } catch (error) { return error; } return null; };
    const over = refused('z'.repeat(51));
    expect(over).toMatchObject({ status: 422, code: 'rendered_too_long', length: 1_020_000, param: 'variables' });
    expect(over).toBeInstanceOf(RenderedTooLongError);
    // Far past the engine's longest string: still a 422 at once, never a RangeError.
    const started = performance.now();
    expect(refused('y'.repeat(30_000))).toMatchObject({ code: 'rendered_too_long', length: 600_000_000 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(MAX_RENDERED_CHARS).toBe(1_000_000);
  });

  it('counts text, values, defaults and escapes exactly as the render fills them', () => {
    type Piece = { kind: 'text'; text: string } | { kind: 'slot'; name: 'a' | 'b' } | { kind: 'default'; text: string } | { kind: 'escape' };
    const piece = fc.oneof(
      fc.stringMatching(/^[a-z .,\n]{0,20}$/).map((text): Piece => ({ kind: 'text', text })),
      fc.constantFrom('a', 'b').map((name): Piece => ({ kind: 'slot', name: name as 'a' | 'b' })),
      fc.stringMatching(/^[a-z]{1,12}$/).map((text): Piece => ({ kind: 'default', text })),
      fc.constant<Piece>({ kind: 'escape' }),
    );
    const written = (p: Piece) => (p.kind === 'text' ? p.text : p.kind === 'slot' ? `{{${p.name}}}` : p.kind === 'default' ? `{{d|${p.text}}}` : '\\{{');
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.integer({ min: 1, max: 3_000 })), { maxLength: 8 }), fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }),
        (pieces, a, b) => {
          const template = pieces.map(([p, times]) => written(p).repeat(times)).join(' ');
          const values = { a: a || 'A', b: b || 'B' };
          const filled = (p: Piece) => (p.kind === 'text' ? p.text : p.kind === 'slot' ? values[p.name] : p.kind === 'default' ? p.text : '{{');
          const expected = pieces.reduce((sum, [p, times]) => sum + filled(p).length * times, 0) + Math.max(0, pieces.length - 1);
          if (expected <= MAX_RENDERED_CHARS) expect(renderTemplate(template, values)).toHaveLength(expected);
          else expect(() => renderTemplate(template, values)).toThrow(expect.objectContaining({ code: 'rendered_too_long', length: expected }));
        }),
      { numRuns: 200 },
    );
  });
});

describe('reading time', () => {
  // Every list, get and render reads every template, so one template built to make the parser
  // backtrack would stall the function for everyone listing it (before: 40 KB of spaces took
  // ~3 s per read, 100 KB of `{{a|` ~6 s). The bound is loose for a busy machine: those took seconds.
  it.each([
    ['spaces after a name', `{{a${' '.repeat(40_000)}`],
    ['unclosed defaults', '{{a|'.repeat(25_000)],
    ['unclosed typed defaults', '{{a:number|'.repeat(9_000)],
    ['unclosed enums', `{{a:enum(${'x,'.repeat(40_000)}`],
    ['escapes', '\\{{ '.repeat(25_000)],
    ['unclosed braced defaults', '{{a|{'.repeat(20_000)],
    ['braced defaults that never end', `{{a|${'{x}'.repeat(33_000)}`],
    ['defaults of nested slots', '{{a|{{x}}'.repeat(11_000)],
    ['unpaired groups', '{{a|{{b|{'.repeat(11_000)],
    ['words after a name', `{{a${' b'.repeat(50_000)}`],
    ['words and tabs', `{{1${' \t'.repeat(33_000)}x`],
    ['names in another script', `{{${'名前 '.repeat(33_000)}`],
    ['word slots that never end', '{{a b'.repeat(20_000)],
  ])('reads up to 100 KB of %s in linear time', (_, template) => {
    const started = performance.now();
    extractVariables(template);
    templateProblems(template);
    try {
      renderTemplate(template, {});
    } catch {
      // A required variable is missing: what matters here is how long it took to find out.
    }
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
