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
  return line.length <= MAX_TITLE ? line : `${line.slice(0, MAX_TITLE - 3).replace(/\s+\S*$/, '')}…`;
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
