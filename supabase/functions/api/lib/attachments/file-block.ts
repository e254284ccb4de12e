/**
 * A file as the model reads it: its text in a labelled block, `<tag name="…" type="…">…</tag>`.
 * Names, types and texts are the user's (or a file's, which may come from anywhere), so none
 * may leave the wrapper: attribute values are XML-escaped (a quote or a newline in a name
 * cannot end the attribute or the tag), and in the text the block's closing tag is broken up
 * (`<\/tag>`), so a file cannot close its block and go on as instructions. The text is
 * otherwise as written: code keeps its `<` and `&`. Without a text the block closes itself.
 */
export function fileBlock(tag: string, attributes: Record<string, string | undefined>, text?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${xmlAttribute(value)}"`)
    .join('');
  if (text === undefined) return `<${tag}${attrs}/>`;
  const body = text.replace(new RegExp(`<(\\s*)/(\\s*${tag})`, 'gi'), '<$1\\/$2');
  return `<${tag}${attrs}>\n${body}\n</${tag}>`;
}

const XML_ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A value safe inside a double-quoted XML attribute, on one line. */
function xmlAttribute(value: string): string {
  return value.replace(/[&<>"']|[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => XML_ATTRIBUTE_ESCAPES[c] ?? `&#${c.charCodeAt(0)};`);
}
