/**
 * A chat title from the first message someone wrote: its first line of text as a reader
 * sees it — markdown parsed (marked's lexer), so `Explain **recursion**` becomes
 * `Explain recursion`, links keep their text, images their alt text, inline code its code
 * and raw HTML is dropped — whitespace collapsed, at most 60 characters.
 *
 *   plainTitle('# Explain **recursion** in [Python](https://python.org)')  // 'Explain recursion in Python'
 */
import { Lexer, type Token } from 'marked';

const MAX_TITLE = 60;

export function plainTitle(markdown: string): string {
  const text = readableText(markdown);
  const line = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).find(Boolean) ?? '';
  if (!line) return 'New chat';
  return shortTitle(line);
}

/**
 * A one-line title at most `max` characters long: cut at the last word that fits, with an
 * ellipsis (an imported chat's title keeps up to the 200 a chat's title holds). A word longer
 * than half of that is cut where it must be, rather than leaving the title a stub.
 *
 *   shortTitle('Plan three days in Lisbon', 20)  // 'Plan three days…'
 */
export function shortTitle(line: string, max = MAX_TITLE): string {
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 3);
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${atWord.length >= cut.length / 2 ? atWord : cut}…`;
}

/**
 * The markdown's text. marked's lexer (and the walk below) recurse once per nesting level, so
 * a message of a few thousand `>` or `- ` overflows the stack (a RangeError); such a text is
 * titled from its characters with markdown's punctuation taken out.
 */
function readableText(markdown: string): string {
  try {
    return plainText(Lexer.lex(markdown, { gfm: true }));
  } catch {
    return markdown.replace(/[>#*_`~|[\]()!-]+/g, ' ');
  }
}

/** The text of markdown tokens, one line per block. */
function plainText(tokens: Token[]): string {
  return tokens.map(tokenText).join('');
}

function tokenText(token: Token): string {
  switch (token.type) {
    case 'html':
    case 'hr':
    case 'def':
      return '';
    case 'space':
    case 'br':
      return '\n';
    case 'code':
      return `${token.text}\n`;
    case 'codespan':
    case 'escape':
    case 'image':
      return token.text;
    case 'list':
      return token.items.map((item: Token) => `${tokenText(item)}\n`).join('');
    case 'table':
      return `${[...token.header, ...token.rows.flat()].map((cell: { tokens: Token[] }) => plainText(cell.tokens)).join(' ')}\n`;
  }
  const inner = 'tokens' in token && Array.isArray(token.tokens) ? plainText(token.tokens) : 'text' in token ? String(token.text) : '';
  return ['paragraph', 'heading', 'blockquote', 'list_item'].includes(token.type) ? `${inner}\n` : inner;
}
