import { describe, expect, it } from 'vitest';
import { filesLeftOutIn, forkedPath, forkNotice, withoutFilesLeftOut } from './fork-notice';

const url = (path: string) => new URL(path, 'https://app.example');

describe('the notice of files a fork left out', () => {
  it('names the count in the new chat’s address only when files were left out', () => {
    expect(forkedPath('abc', 0)).toBe('/chat/abc');
    expect(forkedPath('abc', 2)).toBe('/chat/abc?files_left_out=2');
    expect(filesLeftOutIn(url(forkedPath('abc', 2)))).toBe(2);
  });

  it('reads only a whole count from 1 on: anything else in the address says nothing', () => {
    for (const value of ['0', '-1', '1.5', 'two', '', '01', '1e3', '9999999']) {
      expect(filesLeftOutIn(url(`/chat/abc?files_left_out=${encodeURIComponent(value)}`)), value).toBeNull();
    }
    expect(filesLeftOutIn(url('/chat/abc'))).toBeNull();
  });

  it('says how many, in the singular for one', () => {
    expect(forkNotice(1)).toBe('Forked. 1 file someone else attached was left out of your copy.');
    expect(forkNotice(2)).toBe('Forked. 2 files other people attached were left out of your copy.');
    expect(forkNotice(1200)).toBe('Forked. 1,200 files other people attached were left out of your copy.');
  });

  it('drops the count from the address and keeps the rest', () => {
    expect(withoutFilesLeftOut(url('/chat/abc?files_left_out=2&message=m1')).href).toBe('https://app.example/chat/abc?message=m1');
  });
});
