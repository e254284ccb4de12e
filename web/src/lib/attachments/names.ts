// The names people gave the files they attach. An upload's Storage key keeps only ASCII letters,
// digits and a few marks (upload.ts, objectPath), so `Übersicht – Bericht.md` is stored as
// `_bersicht _ Bericht.md` and `研究.md` and `数据.md` both as `__.md`. The real name is
// remembered here by path for as long as the page lives, and sent with the path (`{path, name}`),
// so the API shows and stores it and the model reads it. Drafts and sent messages keep their
// names themselves and hand them back (the tray's restore and keep).

const byPath = new Map<string, string>();

/**
 * A name the API takes: no control characters or bidirectional embeddings, overrides or isolates
 * (which can make `exe.txt` read as `txt.exe`), trimmed, at most 255 characters; '' when nothing
 * is left.
 */
export function cleanFileName(name: string): string {
  const visible = name.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu, ' ').trim();
  return [...visible].slice(0, 255).join('').trim();
}

export function rememberName(path: string, name: string): void {
  const clean = cleanFileName(name);
  if (clean) byPath.set(path, clean);
}

/** The name the file had, when this page knows it. */
export function nameOf(path: string): string | undefined {
  return byPath.get(path);
}

/** The last part of the path: what the file is called when its own name is not known. */
export function pathName(path: string): string {
  return path.split('/').at(-1) || path;
}

/** An attachment as POST /api/chat takes it: with its name when known, else the bare path. */
export function namedAttachment(path: string, name?: string): string | { path: string; name: string } {
  const clean = cleanFileName(name ?? nameOf(path) ?? '');
  return clean && clean !== pathName(path) ? { path, name: clean } : path;
}

/** Files (a queued message's, an edit's) as POST /api/chat takes them. */
export function namedAttachments(files: { path: string; name?: string }[]): (string | { path: string; name: string })[] {
  return files.map((f) => namedAttachment(f.path, f.name));
}
