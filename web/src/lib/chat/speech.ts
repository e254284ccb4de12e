// Reading an answer aloud with the browser's own speech synthesis (Web Speech API: no network,
// no dependency; the voices are the system's). What is spoken is the answer as a person would
// read it: markdown's text without its symbols, links by their text, images by their
// description, code blocks left out (named, not spelled out character by character), and
// formulas — the ones the answer shows as math — in words where they are simple enough to follow
// (lib/chat/tex-speech.ts), else named too.
import { Marked, type Token, type Tokens } from 'marked';
import { mathBlockTokenizer, mathInlineTokenizer, type MathToken } from '../markdown-math.ts';
import { texToWords } from './tex-speech.ts';

const reader = new Marked({ gfm: true, extensions: [mathBlockTokenizer, mathInlineTokenizer] });

/** The text of a markdown answer, for speech. */
export function speakableText(markdown: string): string {
  const blocks: string[] = [];
  for (const token of reader.lexer(markdown)) block(token, blocks);
  return blocks.map((b) => b.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

function block(token: Token, out: string[]): void {
  switch (token.type) {
    case 'code':
      out.push(token.lang ? `(A ${token.lang} code block.)` : '(A code block.)');
      return;
    case 'mathBlock':
      out.push(formula(token as MathToken, true));
      return;
    case 'space':
    case 'hr':
    case 'def':
      return;
    case 'html':
      out.push(token.text.replace(/<[^>]*>/g, ' '));
      return;
    case 'list':
      for (const item of (token as Tokens.List).items) for (const child of item.tokens) block(child, out);
      return;
    case 'blockquote':
      for (const child of (token as Tokens.Blockquote).tokens) block(child, out);
      return;
    case 'table': {
      const table = token as Tokens.Table;
      out.push(table.header.map((cell) => inline(cell.tokens)).join(', '));
      for (const row of table.rows) out.push(row.map((cell) => inline(cell.tokens)).join(', '));
      return;
    }
    default:
      out.push('tokens' in token && token.tokens ? inline(token.tokens) : 'text' in token ? String(token.text) : '');
  }
}

function inline(tokens: Token[]): string {
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'image':
          return token.text || '';
        case 'br':
          return ' ';
        case 'html':
          return '';
        case 'codespan':
        case 'escape':
          return token.text;
        case 'mathInline':
          return formula(token as MathToken, false);
        default:
          return 'tokens' in token && token.tokens ? inline(token.tokens) : 'text' in token ? String(token.text) : '';
      }
    })
    .join('');
}

/** A formula in words, or named: on a line of its own as a sentence, within one as a phrase. */
function formula(token: MathToken, line: boolean): string {
  const words = texToWords(token.text);
  if (words) return line ? `${words}.` : words;
  return line ? '(A formula.)' : ' (a formula) ';
}

/** The text in pieces of at most `max` characters, at line and sentence ends where it can:
 * some browsers stop a long utterance partway (Chrome after about 15 s), a queue of short
 * ones plays through. */
export function speechChunks(text: string, max = 220): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let current = '';
    for (const sentence of line.match(/[^.!?]+(?:[.!?]+|$)\s*/g) ?? []) {
      for (const piece of sentence.length > max ? sentence.match(new RegExp(`.{1,${max}}(?:\\s|$)|.{1,${max}}`, 'g')) ?? [] : [sentence]) {
        if (current && (current + piece).trim().length > max) {
          out.push(current.trim());
          current = '';
        }
        current += piece;
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}
