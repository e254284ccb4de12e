/**
 * Time-ordered UUIDs (version 7, RFC 9562 §5.7: 48-bit Unix milliseconds, then random bits)
 * for the rows a chat turn creates. A random (v4) key lands on a random leaf page of every
 * index it is in: in a large messages table each insert then dirties a page no other recent
 * write touched, and after each checkpoint that page goes to the WAL whole (8 kB, a full-page
 * image) for a few hundred bytes of row. Keys that grow with time land on the rightmost pages,
 * which recent turns already wrote. Postgres 18 has uuidv7(); 17 (and hosted projects on it)
 * does not, so the function makes them.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const high = Math.floor(now / 2 ** 32); // the top 16 of the 48 timestamp bits
  bytes[0] = (high >>> 8) & 0xff;
  bytes[1] = high & 0xff;
  bytes[2] = (now >>> 24) & 0xff; // >>> takes the low 32 bits
  bytes[3] = (now >>> 16) & 0xff;
  bytes[4] = (now >>> 8) & 0xff;
  bytes[5] = now & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
