/**
 * Stream units: what a turn streams, numbered. Unit `seq` (1, 2, 3 …, one counter for answer
 * and reasoning text) is the SSE event id and the broadcast `seq`. Stored compactly — the
 * answer text and the reasoning text each concatenated, plus one signed length per unit
 * (UTF-16 code units; negative = reasoning) — so any seq can be replayed exactly, both from
 * checkpoints (private.message_chunks) and from a finished message (messages.stream_units).
 */
export type UnitKind = 'content' | 'reasoning';

export interface Unit {
  seq: number;
  kind: UnitKind;
  text: string;
}

export interface PackedUnits {
  units: number[];
  content: string;
  reasoning: string;
}

/** Packs units (in seq order) for storage. */
export function packUnits(units: readonly Pick<Unit, 'kind' | 'text'>[]): PackedUnits {
  return packTexts(units.map((u) => u.text), units.map((u) => u.kind));
}

/**
 * Packs the units at indexes `from` … `to` − 1 of parallel `texts` and `kinds` (a turn's own arrays)
 * with no object per unit. Each text is joined once (`join`): appending them one by one would
 * leave a chain of one rope string per unit in memory while the write waits for a connection —
 * at a thousand answers at once, most of them waiting for their final write.
 */
export function packTexts(texts: readonly string[], kinds: readonly UnitKind[], from = 0, to = texts.length): PackedUnits {
  const lengths: number[] = [];
  const content: string[] = [];
  const reasoning: string[] = [];
  for (let i = from; i < to; i++) {
    const text = texts[i]!;
    if (kinds[i] === 'content') {
      lengths.push(text.length);
      content.push(text);
    } else {
      lengths.push(-text.length);
      reasoning.push(text);
    }
  }
  return { units: lengths, content: content.join(''), reasoning: reasoning.join('') };
}

/** Unpacks stored units numbered from `firstSeq`. Lengths that overrun the text are clipped. */
export function unpackUnits(packed: PackedUnits, firstSeq = 1): Unit[] {
  const out: Unit[] = [];
  let c = 0;
  let r = 0;
  packed.units.forEach((length, i) => {
    const seq = firstSeq + i;
    if (length >= 0) {
      out.push({ seq, kind: 'content', text: packed.content.slice(c, c + length) });
      c += length;
    } else {
      out.push({ seq, kind: 'reasoning', text: packed.reasoning.slice(r, r - length) });
      r -= length;
    }
  });
  return out;
}

/** Whether a string ends in the first half of a surrogate pair (an emoji split across chunks). */
export const endsInHighSurrogate = (text: string) => {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
};
