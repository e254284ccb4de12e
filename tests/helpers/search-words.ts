/**
 * `count` distinct words of `length` CJK characters each (three bytes each in UTF-8), the first
 * numbered `offset`: text whose search index entry (a tsvector) is as large as text gets per
 * character, for tests of what Postgres's 1 MB limit on an entry does to a message or a file.
 * A word's characters are the digits of its number in base 20,000, each shifted by its place, so
 * no two words are the same and no word repeats one character.
 */
export function distinctWords(count: number, length: number, offset = 0): string {
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let word = '';
    for (let j = 0, n = i + offset; j < length; j++, n = Math.floor(n / 20_000)) word += String.fromCodePoint(0x4e00 + ((n + j * 7_919) % 20_000));
    words.push(word);
  }
  return words.join(' ');
}
