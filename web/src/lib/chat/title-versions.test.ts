import { describe, expect, it, vi } from 'vitest';
import { newerTitle, renameNeedsRead, TitleVersions } from './title-versions';

/** A chat whose session reads answer, in turn, with the titles given (the last one from then on). */
function chat(answers: [title: string, version: number][]) {
  const shown: string[] = [];
  let reads = 0;
  const paused: (() => void)[] = [];
  const titles: TitleVersions = new TitleVersions(
    (title) => shown.push(title),
    async () => {
      const [title, version] = answers[Math.min(reads++, answers.length - 1)]!;
      titles.offer(title, version);
    },
    [1, 1, 1],
    () => new Promise<void>((resolve) => paused.push(resolve)),
  );
  /** Ends the pauses between reads that are waiting. */
  const release = () => paused.splice(0).forEach((resume) => resume());
  return { titles, shown, reads: () => reads, release, pausing: () => paused.length };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TitleVersions', () => {
  it('keeps the newest title whatever order the roads deliver them in', () => {
    const { titles, shown } = chat([]);
    titles.offer('Renamed twice', 2); // the row's UPDATE
    titles.offer('Renamed once', 1); // a read made before it, answered late
    titles.offer('Renamed twice', 2); // both roads name it
    expect(shown).toEqual(['Renamed twice', 'Renamed twice']);
  });

  it('reads again while reads answer from before the rename a message named, until one shows it', async () => {
    const { titles, shown, reads, release } = chat([['Old', 0], ['Old', 0], ['New', 1]]);
    titles.offer('Old', 0);
    titles.named(1);
    await vi.waitFor(() => {
      release();
      expect(reads()).toBe(3);
    });
    release();
    await settle();
    expect(reads()).toBe(3);
    expect(shown.at(-1)).toBe('New');
  });

  it('reads nothing for a version already shown (the row came first)', async () => {
    const { titles, reads } = chat([['New', 1]]);
    titles.offer('New', 1);
    titles.named(1);
    titles.named(0);
    await settle();
    expect(reads()).toBe(0);
  });

  it('stops reading once a newer title came on another road', async () => {
    const { titles, shown, reads, release, pausing } = chat([['Old', 0]]);
    titles.offer('Old', 0);
    titles.named(1);
    await vi.waitFor(() => expect(pausing()).toBe(1)); // its first read showed the old title
    expect(reads()).toBe(1);
    titles.offer('Newer', 2); // the row's UPDATE, during the pause
    release();
    await settle();
    expect(reads()).toBe(1);
    expect(shown.at(-1)).toBe('Newer');
  });
});

describe('newerTitle', () => {
  it('keeps the newer title, whichever comes last', () => {
    expect(newerTitle({ title: 'Second', title_version: 2 }, { title: 'First', title_version: 1 })).toEqual({ title: 'Second', title_version: 2 });
    expect(newerTitle({ title: 'First', title_version: 1 }, { title: 'Second', title_version: 2 })).toEqual({ title: 'Second', title_version: 2 });
    expect(newerTitle({ title: 'Same', title_version: 2 }, { title: 'Same', title_version: 2 })).toEqual({ title: 'Same', title_version: 2 });
  });

  it('takes a title as it came when either side names no version', () => {
    expect(newerTitle(undefined, { title: 'New chat', title_version: 0 })).toEqual({ title: 'New chat', title_version: 0 });
    expect(newerTitle({ title: 'Loaded' }, { title: 'Read', title_version: 0 })).toEqual({ title: 'Read', title_version: 0 });
    expect(newerTitle({ title: 'Held', title_version: 3 }, { title: 'Old server' })).toEqual({ title: 'Old server', title_version: undefined });
  });
});

describe('renameNeedsRead', () => {
  it('reads for a version newer than the one held, or a chat not held', () => {
    expect(renameNeedsRead({ title: 'a', title_version: 1 }, 2)).toBe(true);
    expect(renameNeedsRead(undefined, 0)).toBe(true);
  });

  it('never reads for a version held already (a late signal, or its row came first)', () => {
    expect(renameNeedsRead({ title: 'b', title_version: 2 }, 2)).toBe(false);
    expect(renameNeedsRead({ title: 'b', title_version: 3 }, 2)).toBe(false);
  });

  it('reads when a side names no version', () => {
    expect(renameNeedsRead({ title: 'a' }, 2)).toBe(true);
    expect(renameNeedsRead({ title: 'a', title_version: 5 }, undefined)).toBe(true);
  });
});
