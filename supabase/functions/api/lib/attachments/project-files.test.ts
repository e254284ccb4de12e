import { describe, expect, it } from 'vitest';
import { fuseRankings, type RankedChunk } from './project-files.ts';

const chunk = (file: string, index: number, rank: number): RankedChunk => ({ file_id: file, chunk_index: index, content: `${file}#${index}`, token_count: 10, rank });
const order = (chunks: RankedChunk[]) => chunks.map((c) => c.content);

describe('fuseRankings (reciprocal rank fusion)', () => {
  it('puts a chunk both rankings like above one only full-text likes', () => {
    const text = [chunk('a', 0, 0.9), chunk('a', 1, 0.5), chunk('a', 2, 1e-20)];
    const nearest = [chunk('a', 1, 0.8), chunk('a', 2, 0.1)];
    expect(order(fuseRankings(text, nearest))).toEqual(['a#1', 'a#0', 'a#2']);
  });

  it("ignores full-text's no-match rank (1e-20): with no word in common, the vector order decides", () => {
    const text = [chunk('a', 0, 1e-20), chunk('a', 1, 1e-20), chunk('a', 2, 1e-20)];
    const nearest = [chunk('a', 2, 0.4), chunk('a', 0, 0.1)];
    expect(order(fuseRankings(text, nearest))).toEqual(['a#2', 'a#0', 'a#1']);
  });

  it('keeps chunks only one ranking has, and document order among the unscored', () => {
    const text = [chunk('a', 0, 1e-20), chunk('b', 0, 1e-20), chunk('b', 1, 1e-20)];
    const nearest = [chunk('c', 5, 0.3)];
    expect(order(fuseRankings(text, nearest))).toEqual(['c#5', 'a#0', 'b#0', 'b#1']);
  });
});
