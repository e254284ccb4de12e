/**
 * Cuts parsed conversations into POST /api/import bodies that stay under a byte budget (the
 * API's and the web server's body limits), whole conversations together where they fit, a
 * long one split into ordered parts (`offset`, `total`). A single message larger than the
 * budget cannot be sent and is counted as skipped.
 */
import { skip, type Conversation, type ImportConversation, type ImportMessage, type Skipped } from './conversations';

/** Under the API's default MAX_BODY_BYTES (256 KiB), with room for the envelope. */
export const BATCH_BYTES = 200_000;

export interface Batch {
  conversations: ImportConversation[];
  /** How many whole conversations this batch finishes (for the progress bar). */
  finishes: number;
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

export function toBatches(conversations: Conversation[], skipped: Skipped, budget = BATCH_BYTES): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = { conversations: [], finishes: 0 };
  let size = 0;
  const flush = () => {
    if (current.conversations.length) batches.push(current);
    current = { conversations: [], finishes: 0 };
    size = 0;
  };
  for (const conversation of conversations) {
    const messages = conversation.messages.filter((m) => {
      const fits = bytes(m) + 1_000 < budget;
      if (!fits) skip(skipped, 'too_large');
      return fits;
    });
    if (!messages.length) {
      skip(skipped, 'no_messages');
      continue;
    }
    const total = messages.length;
    let offset = 0;
    while (offset < total) {
      const head = { ...conversation, offset, total, messages: [] as ImportMessage[] };
      let partSize = bytes(head);
      if (size + partSize + bytes(messages[offset]) > budget) flush();
      while (offset < total && size + partSize + bytes(messages[offset]) + 1 <= budget) {
        partSize += bytes(messages[offset]) + 1;
        head.messages.push(messages[offset++]);
      }
      current.conversations.push(head);
      size += partSize;
      if (offset === total) current.finishes++;
      else flush();
    }
  }
  flush();
  return batches;
}
