// Invisible and bidirectional control characters in text the model wrote (answers, chat titles),
// shown as a small marked code instead of acting unseen — as VS Code's unicode highlighting and
// GitHub's "hidden or bidirectional Unicode text" warning do. A right-to-left override makes
// `admin\u202Egpj.exe` read as "adminexe.jpg" (Trojan Source, CVE-2021-42574); zero-width and
// tag characters hide text (and instructions) inside words.
//
// Which characters: out-of-character's catalogue, which already lets emoji sequences be (a ZWJ
// in 👨‍👩‍👧, a variation selector after an emoji or an ideograph, tag characters in a flag).
// Its whitespace and visible-but-odd entries (no-break and ideographic spaces, line separators…)
// are ordinary text here. ZWNJ and ZWJ after a letter of a script that needs them (Persian
// "می‌خواهم", Devanagari half forms "क्‍ष") are text too (The Unicode Standard, "Layout
// Controls": https://www.unicode.org/versions/latest/core-spec/chapter-23/).
// The implicit directional marks (LRM U+200E, RLM U+200F, ALM U+061C) are text as well: Hebrew and
// Arabic writers (and models answering in them) put them after numbers, file names and Latin
// words so punctuation lands on the right side ("report.pdf\u200F, לא אחר"). A mark is a strong
// character of no width; it can move only the neutral characters beside it, never reorder a run
// (UAX #9, "Implicit Directional Marks": https://www.unicode.org/reports/tr9/#Implicit_Directional_Marks).
// Marking one split the right-to-left run and reordered the sentence around it (QA 5 #1). The
// explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), Trojan Source's
// characters, stay marked.
// Real right-to-left letters are untouched: the browser still lays them out right to left.
import { detect } from 'out-of-character';

/** One hidden character, and how it is shown. */
export interface HiddenChar {
  char: string;
  /** `U+202E` */
  code: string;
  /** `RIGHT-TO-LEFT OVERRIDE` */
  name: string;
}

export type Segment = string | HiddenChar;

/** The class of a marker; app.css draws it as a small boxed code, isolated from the text around it. */
export const MARKER_CLASS = 'invisible-char';
/**
 * The second class of a marker markHiddenIn made: random per page load, so an answer's own
 * markup cannot pass for one (lib/markdown.ts keeps no class of the answer's but its own
 * pipeline's either). Copy turns only these back into their characters (security review 5, #2).
 */
export const OWN_MARKER_CLASS = `mrp-mark-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

const SHOWN_TYPES = new Set(['Bidi', 'Invisible', 'Tag', 'Variation']);
const IGNORED_TYPES = ['Whitespace', 'Line Break', 'Separator', 'Visible'];
/** The catalogue's name for U+200D is cut short. */
const NAMES: Record<string, string> = { 'U+200D': 'ZERO WIDTH JOINER' };
const JOINERS = new Set(['U+200C', 'U+200D']);
/** LRM, RLM and ALM: implicit marks, text like any letter (see the top of this file). */
const IMPLICIT_MARKS = new Set(['U+200E', 'U+200F', 'U+061C']);
/** Scripts whose shaping uses ZWNJ/ZWJ: cursive joining (Arabic…) and conjuncts (Brahmic). */
const JOINING_SCRIPT =
  /[\p{scx=Arabic}\p{scx=Syriac}\p{scx=Nko}\p{scx=Mongolian}\p{scx=Mandaic}\p{scx=Hanifi_Rohingya}\p{scx=Devanagari}\p{scx=Bengali}\p{scx=Gurmukhi}\p{scx=Gujarati}\p{scx=Oriya}\p{scx=Tamil}\p{scx=Telugu}\p{scx=Kannada}\p{scx=Malayalam}\p{scx=Sinhala}\p{scx=Tibetan}\p{scx=Myanmar}\p{scx=Khmer}]$/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]$/u;

/** The hidden characters of `text` with their offsets (UTF-16), in order. */
export function findHidden(text: string): (HiddenChar & { offset: number })[] {
  const found = detect(text, { exclude: IGNORED_TYPES }) ?? [];
  return found
    .filter((f) => SHOWN_TYPES.has(f.type) && !IMPLICIT_MARKS.has(f.code))
    .filter((f) => !(JOINERS.has(f.code) && joinsLetters(text.slice(0, f.offset))))
    .map((f) => ({ char: String.fromCodePoint(text.codePointAt(f.offset)!), code: f.code, name: NAMES[f.code] ?? f.name, offset: f.offset }));
}

function joinsLetters(before: string): boolean {
  return LETTER_OR_MARK.test(before) && JOINING_SCRIPT.test(before);
}

/** `text` cut into plain runs and hidden characters; a single string when there are none. */
export function hiddenSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let from = 0;
  for (const { offset, ...hidden } of findHidden(text)) {
    if (offset > from) segments.push(text.slice(from, offset));
    segments.push(hidden);
    from = offset + hidden.char.length;
  }
  if (from < text.length || segments.length === 0) segments.push(text.slice(from));
  return segments;
}

/** What a marker shows: `⟨U+202E⟩`. */
export const markerLabel = (hidden: HiddenChar) => `⟨${hidden.code}⟩`;
/** A marker's tooltip. */
export const markerTitle = (hidden: HiddenChar) => `${hidden.code} ${hidden.name}, an invisible character`;

/** `text` with each hidden character written as its marker's label: for attributes, toasts and page titles. */
export function showHidden(text: string): string {
  return hiddenSegments(text)
    .map((s) => (typeof s === 'string' ? s : markerLabel(s)))
    .join('');
}

/**
 * Replaces each hidden character in the text nodes under `root` with a marker element. The
 * character itself is not kept in the page, so nothing it could reorder or hide is left.
 */
export function markHiddenIn(root: Element | DocumentFragment): void {
  const doc = root.ownerDocument!;
  // A tooltip (a link's title) is text too; an attribute holds no element, so it gets the label.
  for (const el of root.querySelectorAll('[title]')) el.setAttribute('title', showHidden(el.getAttribute('title')!));
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const changes: [Text, Segment[]][] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const segments = hiddenSegments(node.nodeValue ?? '');
    if (segments.some((s) => typeof s !== 'string')) changes.push([node as Text, segments]);
  }
  for (const [node, segments] of changes) {
    node.replaceWith(...segments.map((s) => (typeof s === 'string' ? s : marker(doc, s))));
  }
}

function marker(doc: Document, hidden: HiddenChar): HTMLElement {
  const span = doc.createElement('span');
  span.className = `${MARKER_CLASS} ${OWN_MARKER_CLASS}`;
  span.title = markerTitle(hidden);
  span.textContent = markerLabel(hidden);
  return span;
}

/**
 * What a code block's Copy takes: the text `root` shows (innerText: nothing hidden, such as a
 * closed <details>, is copied — it could append `; curl … | sh` to a command), with each marker
 * this module made turned back into its character, as code editors copy them. A look-alike span
 * an answer wrote is copied as the text it shows (security review 5, #2).
 */
export function copyableText(root: HTMLElement): string {
  const markers = [...root.querySelectorAll<HTMLElement>(`span.${OWN_MARKER_CLASS}`)];
  const labels = markers.map((span) => span.textContent ?? '');
  // innerText reads the rendered text; the markers hold their characters only for this read
  // (synchronous: nothing is painted in between).
  markers.forEach((span, i) => (span.textContent = markerChar(labels[i]!) ?? labels[i]!));
  try {
    return root.innerText;
  } finally {
    markers.forEach((span, i) => (span.textContent = labels[i]!));
  }
}

/** The character a marker's label names, if it is one this module hides. */
function markerChar(label: string): string | undefined {
  const code = /^⟨U\+([0-9A-F]{4,6})⟩$/.exec(label)?.[1];
  const char = code ? String.fromCodePoint(parseInt(code, 16)) : '';
  return char && findHidden(char).length === 1 ? char : undefined;
}

/** Tag characters U+E0020–U+E007E mirror printable ASCII: what such a run spells. */
const TAG_ASCII = (char: string) => {
  const point = char.codePointAt(0)!;
  return point >= 0xe0020 && point <= 0xe007e ? String.fromCharCode(point - 0xe0000) : null;
};

/**
 * A sentence naming the hidden characters of `text` (a prompt's template), or null when it has
 * none: `7 invisible characters: 6 tag characters spelling "IGNORE", ⟨U+202E⟩ RIGHT-TO-LEFT
 * OVERRIDE`. A template is what reaches the model, which reads tag characters as text ("ASCII
 * smuggling"), so a reader is told what they say before using or forking it. At most `kinds`
 * other kinds are named; the rest are counted.
 */
export function describeHidden(text: string, kinds = 6): string | null {
  const found = findHidden(text);
  if (found.length === 0) return null;
  let spelled = '';
  let tags = 0;
  const byCode = new Map<string, { hidden: HiddenChar; count: number }>();
  for (const { offset: _, ...hidden } of found) {
    const ascii = TAG_ASCII(hidden.char);
    if (ascii !== null) {
      spelled += ascii;
      tags++;
      continue;
    }
    const seen = byCode.get(hidden.code);
    if (seen) seen.count++;
    else byCode.set(hidden.code, { hidden, count: 1 });
  }
  const named = [...byCode.values()].slice(0, kinds).map(({ hidden, count }) => `${markerLabel(hidden)} ${hidden.name}${count > 1 ? ` ×${count}` : ''}`);
  if (tags > 0) named.unshift(`${tags} tag character${tags === 1 ? '' : 's'} spelling ${JSON.stringify(spelled)}`);
  const rest = byCode.size - kinds;
  const more = rest > 0 ? `, and ${rest} more kind${rest === 1 ? '' : 's'}` : '';
  return `${found.length} invisible character${found.length === 1 ? '' : 's'}: ${named.join(', ')}${more}`;
}
