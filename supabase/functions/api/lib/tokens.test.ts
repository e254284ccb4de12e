import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer';
import { utf8Length } from './tokens.ts';

const samples = ['', 'hello world', 'café crème', 'Привет, мир', '日本語のテキスト', '🙂👍🏽 emoji', 'a\uD800b', 'x\uDC00', '\uD83D', 'mixed: ü € 😀 end', ' '.repeat(100), 'function f() { return 1; }\n'.repeat(20)];

describe('utf8Length', () => {
  it('is the length TextEncoder produces, lone surrogates included', () => {
    for (const text of samples) expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('bounds the token count from above', () => {
    for (const text of samples) expect(countTokens(text), JSON.stringify(text)).toBeLessThanOrEqual(utf8Length(text));
  });
});
