// A TurnSender over a bare chat, for its tests (turn-sender*.test.ts, which fake its network
// with turn-sender-fakes.ts).
import type { Message } from '../api/index.ts';
import type { ChatRequest } from './chat-stream.ts';
import type { ReturnedEdit } from './edit-refusal.ts';
import type { Notice } from './chat-notice.ts';
import { LiveChanges } from './live-changes.ts';
import { TurnEvents } from './turn-events.ts';
import { answerBeingWritten, TurnSender, type SendError, type SendingChat, type SentFile } from './turn-sender.ts';
import { TurnViews } from './turn-views.ts';

export class Chat implements SendingChat {
  sessionId: string | null = 's1';
  rowsPending = false;
  myId = 'me';
  messages: Message[] = [];
  sending = false;
  sendError: SendError | null = null;
  notice: Notice | null = null;
  returnedDraft: string | null = null;
  returnedAttachments: string[] = [];
  returnedEdit: ReturnedEdit | null = null;
  flaggedAttachment = null;
  filesUsed = {};
  filesSent: Record<string, SentFile[]> = {};
  leftOutTurns: Record<string, number> = {};
  get streaming() {
    return answerBeingWritten(this.messages) !== undefined;
  }
  async stop() {}
  async catchUp() {}
}

export function setUp() {
  const chat = new Chat();
  const find = (id: string) => chat.messages.find((m) => m.id === id);
  const events = new TurnEvents(find, () => {});
  const views = new TurnViews(find, (id) => events.for(() => id));
  const sender = new TurnSender(chat, { find, views, events, changes: new LiveChanges() });
  return { chat, events, views, sender };
}

export const turn = (message: string): ChatRequest => ({ message, provider: 'demo', model: 'demo-model' });
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
