import { describe, expect, it } from 'vitest';
import { uploadType } from './upload-type';

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
});
