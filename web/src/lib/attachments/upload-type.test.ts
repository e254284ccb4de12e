import { describe, expect, it } from 'vitest';
import { emptyReason, unreadableReason, uploadType } from './upload-type';

describe('uploadType', () => {
  it.each([
    // Files a browser would run as a page when opened go as plain text (the bucket refuses their own types).
    ['notes.xml', 'application/xml', 'text/plain'],
    ['notes.xml', 'text/xml', 'text/plain'],
    ['page.html', 'text/html', 'text/plain'],
    ['page.htm', 'TEXT/HTML', 'text/plain'],
    ['page.xhtml', 'application/xhtml+xml', 'text/plain'],
    ['logo.svg', 'image/svg+xml', 'text/plain'],
    ['style.xsl', 'application/xslt+xml', 'text/plain'],
    ['feed.rss', 'application/rss+xml', 'text/plain'],
    ['app.js', 'text/javascript', 'text/plain'],
    ['app.mjs', 'application/javascript', 'text/plain'],
    ['site.css', 'text/css', 'text/plain'],
    ['main.py', 'text/x-python', 'text/plain'],
    ['config.yaml', 'application/yaml', 'text/plain'],
    ['run.sh', 'application/x-sh', 'text/plain'],
    ['query.sql', '', 'text/plain'],
    ['main.ts', 'video/mp2t', 'text/plain'],
    // Kept as themselves.
    ['README.md', '', 'text/markdown'],
    ['data.csv', 'application/vnd.ms-excel', 'text/csv'],
    ['data.json', 'application/json', 'application/json'],
    ['notes.txt', 'text/plain', 'text/plain'],
    ['photo.png', 'image/png', 'image/png'],
    ['scan.pdf', 'application/pdf', 'application/pdf'],
    // Not attachable.
    ['clip.mp4', 'video/mp4', null],
    ['photo.heic', 'image/heic', null],
    // Office files and archives: browsers call them application/…, which is no text.
    ['thesis.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', null],
    ['budget.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', null],
    ['old.doc', 'application/msword', null],
    ['slides.pptx', '', null],
    ['data.zip', 'application/zip', null],
    ['data.zip', 'application/x-zip-compressed', null],
    ['notes.odt', 'application/vnd.oasis.opendocument.text', null],
  ])('%s (%s) uploads as %s', (name, type, expected) => {
    expect(uploadType({ name, type })).toBe(expected);
  });

  it('never picks a type the attachments bucket refuses', () => {
    const allowed = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'text/markdown', 'text/csv', 'application/json']);
    const types = ['', 'text/html', 'text/xml', 'application/xml', 'image/svg+xml', 'text/x-c', 'application/toml', 'application/zip', 'text/markdown', 'image/gif'];
    for (const type of types) for (const name of ['a.xml', 'a.html', 'a.svg', 'a.md', 'a.toml', 'a.txt', 'a']) {
      const chosen = uploadType({ name, type });
      if (chosen !== null) expect(allowed, `${name} ${type}`).toContain(chosen);
    }
  });

  it('says at pick time why a Word file or an archive cannot go, and what can', () => {
    const reason = unreadableReason({ name: 'thesis.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(reason).toContain('thesis.docx');
    expect(reason).toMatch(/Word, Excel, PowerPoint and archive files can't be read yet/);
    expect(reason).toMatch(/PDF or text/);
    expect(unreadableReason({ name: 'clip.mp4', type: 'video/mp4' })).toBe('clip.mp4: only images (PNG, JPEG, GIF, WebP), PDF and text files can be attached');
  });

  it('refuses an empty file with a reason, as a project does', () => {
    expect(emptyReason({ name: 'empty.txt', size: 0 })).toBe('empty.txt is empty: there is nothing in it to read');
    expect(emptyReason({ name: 'notes.txt', size: 12 })).toBeNull();
  });
});
