// What marked reads as a formula in an answer, shared by the renderer (lib/markdown.ts, which
// draws it with KaTeX) and Read aloud (lib/chat/speech.ts, which says it): both see the same
// formulas, whatever the text around them.
import type { TokenizerExtension, Tokens } from 'marked';

export interface MathToken extends Tokens.Generic {
  text: string;
  displayMode: boolean;
}

const mathToken = (type: string, raw: string, tex: string, displayMode: boolean): MathToken => ({ type, raw, text: tex.trim(), displayMode });

/*
 * What counts as a formula. In every form a backslash takes the character after it, so `\$`
 * and `\\)` (a TeX line break, then a parenthesis) do not end one.
 *  - `\(…\)` inline and `\[…\]` display: LaTeX's own, as OpenAI's models write them (CommonMark
 *    would read them as escaped brackets);
 *  - `$$…$$` display;
 *  - `$…$` inline, where a price must stay a price: no space just inside either dollar, no
 *    letter or digit just before the first or after the last ("US$5", "$5 and $10" stay text).
 * A display formula whose delimiters stand on lines of their own is a block (no paragraph around it).
 * Lengths are bounded (2,000 characters inline, 20,000 display): an answer full of unclosed `\(`
 * costs each try that much at most, not the rest of the paragraph, on every streamed frame.
 * marked-katex-extension covers the dollar forms but imports KaTeX itself, which would put
 * KaTeX in every page that shows markdown instead of loading it with the first formula.
 */
const DISPLAY_BLOCK = /^ {0,3}(\$\$|\\\[)[ \t]*\n((?:\\[^]|[^\\]){1,20000}?)\n[ \t]*(\$\$|\\\])[ \t]*(?:\n+|$)/;
const INLINE_FORMS: [RegExp, boolean][] = [
  [/^\\\(((?:\\[^]|[^\\]){1,2000}?)\\\)/, false],
  [/^\\\[((?:\\[^]|[^\\]){1,20000}?)\\\]/, true],
  [/^\$\$((?:\\[^]|[^\\$]){1,20000}?)\$\$/, true],
  [/^\$(?![\s$])((?:\\[^]|[^\\$\n]){1,2000}?)\$(?!\w)/, false],
];

/** The `mathBlock` token: a display formula standing on lines of its own. */
export const mathBlockTokenizer: TokenizerExtension = {
  name: 'mathBlock',
  level: 'block',
  tokenizer(src) {
    const match = DISPLAY_BLOCK.exec(src);
    if (!match || (match[1] === '$$') !== (match[3] === '$$') || !match[2]!.trim()) return undefined;
    return mathToken('mathBlock', match[0], match[2]!, true);
  },
};

/** The `mathInline` token: a formula within a paragraph (`displayMode` for `$$…$$` and `\\[…\\]`). */
export const mathInlineTokenizer: TokenizerExtension = {
  name: 'mathInline',
  level: 'inline',
  start(src) {
    const index = src.search(/\\[([]|\$/);
    return index < 0 ? undefined : index;
  },
  tokenizer(src, tokens) {
    if (src.startsWith('$') && /\w$/.test(tokens.at(-1)?.raw ?? '')) return undefined; // "US$5"
    for (const [form, display] of INLINE_FORMS) {
      const match = form.exec(src);
      if (!match) continue;
      const tex = match[1]!;
      if (!tex.trim() || (!display && src.startsWith('$') && /\s$/.test(tex))) return undefined;
      return mathToken('mathInline', match[0], tex, display);
    }
    return undefined;
  },
};
