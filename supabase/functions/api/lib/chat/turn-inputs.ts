/**
 * Reads what a new turn needs before the provider can be called, as the caller (RLS): the
 * session (or the project of a new one), the user message it answers (new, an edit — a new
 * sibling of the edited one — or regenerated), the finished history of the active branch
 * (walked from the new message's parent; never an unfinished answer, never another branch),
 * the system prompt (this turn's, else the one the chat keeps, else its project's), and the
 * context that fits the model's window. Also reports an answer still running in the session.
 * Writes nothing: the rows are written by turn-rows.ts while the provider already streams.
 */
import type { TransactionSql } from 'postgres';
import type { AuthUser } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { countTokensLazily } from '../tokens.ts';
import { activeQuestion, leafOfSession, readBranchHistory } from './branch.ts';
import { buildContext, type BuiltContext, type ChatTurn } from './context.ts';
import { addCustomInstructions, loadSystemPrompt } from './system-prompt.ts';
import { chatPromptOf } from './chat-prompt.ts';
import { withEarlierAttachments } from '../attachments/history.ts';
import { projectFilesContext, type ProjectFilesContext, type QuestionVector } from '../attachments/project-files.ts';
import type { OwnerProject } from './owner-project.ts';

export interface TurnRequest {
  sessionId?: string;
  projectId?: string;
  message?: string;
  provider: string;
  model: string;
  /** The prompt chosen for this turn; null: none, not even the one the chat keeps (chat-prompt.ts). */
  promptId?: string | null;
  promptLabel?: string;
  promptVersion?: number;
  variables: Record<string, string | number | boolean>;
  /** The chosen prompt is already in the message (a picker rendered it): attributed only, not a system message. */
  promptInMessage?: boolean;
  temperature?: number;
  regenerate: boolean;
  /** Continue: the new question asks the model to go on from the leaf, an answer with text (else 409 nothing_to_continue). */
  continueAnswer?: boolean;
  editMessageId?: string;
  contextWindow: number;
  reservedForAnswer: number;
  /** Text of the message's attachments, added after the user's text in the prompt only. */
  attachmentText?: string;
  /** Tokens the project's files may take in the system prompt (0: none). */
  projectFilesBudget?: number;
  /** The question's embedding: files over the budget are ranked by meaning too (lib/attachments/semantic-ranking.ts). */
  questionVector?: QuestionVector;
  /**
   * A group member's turn: the chat's project prompt and files, read as the owner
   * (lib/chat/owner-project.ts). The member's own read could not see them.
   */
  ownerProject?: OwnerProject;
}

export interface TurnInputs {
  /** Null for a new session (turn-rows.ts creates it). */
  sessionId: string | null;
  projectId: string | null;
  /** The answer already running in the session, if any. */
  runningMessageId: string | null;
  /**
   * new: a question after the active leaf; edit: a new question beside `editedId` (same
   * parent); regenerate: another answer to the existing question `id`.
   */
  userMessage:
    | { mode: 'new'; content: string; tokens: number | null }
    | { mode: 'edit'; editedId: string; content: string; tokens: number | null; authorId: string | null }
    | { mode: 'regenerate'; id: string; content: string; authorId: string | null };
  /** The parent of the question written (new, edit); null for a first message. */
  parentId: string | null;
  context: BuiltContext;
  prompt: { id: string; version: number } | null;
  /** Project files (or chunks of them) that went into the context. */
  projectFiles: ProjectFilesContext;
}

/** What Continue asks when the request gives no words of its own. */
export const CONTINUE_MESSAGE = 'Continue exactly where your last answer stopped.';

// How much history to read at most before fitting it to the window.
const HISTORY_LIMIT = 400;

export async function readTurnInputs(sql: TransactionSql, user: AuthUser, req: TurnRequest): Promise<TurnInputs> {
  let session: { id: string; project_id: string | null; prompt: unknown } | null = null;
  if (req.sessionId) {
    [session] = await sql<{ id: string; project_id: string | null; prompt: unknown }[]>`
      select id, project_id, metadata->'prompt' as prompt from public.chat_sessions where id = ${req.sessionId}`;
    if (!session) throw notFound('Session');
  } else {
    if (req.regenerate || req.editMessageId) throw new ApiError(400, 'invalid_request', 'session_id: required to regenerate or edit');
    if (req.projectId) {
      const [project] = await sql`select id from public.projects where id = ${req.projectId}`;
      if (!project) throw notFound('Project');
    }
  }

  let userMessage: TurnInputs['userMessage'];
  let parentId: string | null = null;
  let runningMessageId: string | null = null;
  if (session) {
    const [running] = await sql<{ id: string }[]>`
      select id from public.messages where session_id = ${session.id} and status = 'streaming' limit 1`;
    runningMessageId = running?.id ?? null;
  }
  if (req.regenerate) {
    const question = await activeQuestion(sql, session!.id);
    if (!question) throw new ApiError(409, 'conflict', 'There is no message to regenerate an answer for');
    userMessage = { mode: 'regenerate', id: question.id, content: question.content, authorId: question.author_id };
    parentId = question.parent_id;
  } else if (req.editMessageId) {
    const [edited] = await sql<{ id: string; parent_id: string | null; author_id: string | null }[]>`
      select id, parent_id, author_id from public.messages where id = ${req.editMessageId} and session_id = ${session!.id} and sender = 'user'`;
    if (!edited) throw notFound('Message');
    const content = req.message ?? '';
    userMessage = { mode: 'edit', editedId: edited.id, content, tokens: null, authorId: edited.author_id };
    parentId = edited.parent_id;
  } else {
    const content = req.message ?? '';
    userMessage = { mode: 'new', content, tokens: null };
    if (session) [{ leaf: parentId }] = await sql<{ leaf: string | null }[]>`select ${leafOfSession(sql, session.id)} as leaf`;
    if (req.continueAnswer) await requireTextToContinue(sql, parentId);
  }

  // The active branch only: finished turns from the new question's parent up, newest kept.
  const history = session
    ? await withEarlierAttachments(sql, await readBranchHistory(sql, session.id, parentId, HISTORY_LIMIT))
    : [];

  const owner = req.ownerProject;
  const projectId = owner ? owner.projectId : session ? session.project_id : (req.projectId ?? null);
  const system = await loadSystemPrompt(sql, {
    userId: user.id,
    chosen: req.promptId ? { promptId: req.promptId, label: req.promptLabel, version: req.promptVersion, inMessage: req.promptInMessage } : null,
    projectId,
    variables: req.variables,
    // The prompt the chat was started with answers every later turn that names none.
    chatPrompt: session && req.promptId !== null ? chatPromptOf(session.prompt) : null,
    ...(owner ? { ownerProjectPrompt: owner.prompt } : {}),
  });
  const projectFiles = owner
    ? owner.files
    : projectId && req.projectFilesBudget
      ? await projectFilesContext(sql, projectId, userMessage.content, req.projectFilesBudget, req.questionVector)
      : NO_PROJECT_FILES;
  return await assemble(req, { sessionId: session?.id ?? null, projectId, runningMessageId, userMessage, parentId, prompt: system.prompt, projectFiles }, system.parts, history);
}

/**
 * A new chat outside any project, without a chosen prompt: its inputs need no read once the
 * sender's custom instructions are known (lib/chat/turn-gate.ts), so no transaction is opened.
 */
export function isPlainNewChat(req: TurnRequest): boolean {
  return !req.sessionId && !req.projectId && !req.promptId && !req.regenerate && !req.editMessageId && !req.ownerProject;
}

/** The inputs of a plain new chat (isPlainNewChat), from the request and the sender's custom instructions. */
export async function newChatInputs(req: TurnRequest, customInstructions: string): Promise<TurnInputs> {
  if (!isPlainNewChat(req)) throw new Error('newChatInputs: not a plain new chat');
  const system: string[] = [];
  addCustomInstructions(system, customInstructions);
  const userMessage = { mode: 'new' as const, content: req.message ?? '', tokens: null };
  return await assemble(req, { sessionId: null, projectId: null, runningMessageId: null, userMessage, parentId: null, prompt: null, projectFiles: NO_PROJECT_FILES }, system, []);
}

const NO_PROJECT_FILES: ProjectFilesContext = { text: '', tokens: 0, used: [] };

/**
 * Continue goes on from the answer the model already wrote. An answer with no text (stopped
 * while the model was still thinking) is left out of the history (branch.ts readBranchHistory),
 * so "continuing" it would send the question again followed by the request to continue nothing:
 * such a request is refused, and the app offers Regenerate instead.
 */
async function requireTextToContinue(sql: TransactionSql, leafId: string | null): Promise<void> {
  const [leaf] = leafId
    ? await sql<{ sender: string; content: string; status: string }[]>`select sender, content, status from public.messages where id = ${leafId}`
    : [];
  // A running answer: the turn_running check that follows says so.
  if (leaf?.sender === 'assistant' && (leaf.status === 'streaming' || leaf.content.trim() !== '')) return;
  throw new ApiError(
    409,
    'nothing_to_continue',
    leaf?.sender === 'assistant'
      ? 'The last answer has no text to continue (it was stopped before the model wrote any); regenerate it instead'
      : 'There is no finished answer to continue in this chat',
  );
}

/** The context that fits the model's window: system messages, the project's files, history, the question. */
async function assemble(
  req: TurnRequest,
  inputs: Omit<TurnInputs, 'context'>,
  system: string[],
  history: { sender: ChatTurn['role']; content: string }[],
): Promise<TurnInputs> {
  const { projectFiles, userMessage } = inputs;
  const filesSystem = projectFiles.text ? [`The project's files (use them to answer; cite file names):\n\n${projectFiles.text}`] : [];
  const context = await buildContext({
    system: [...system, ...filesSystem],
    history: history.map((h): ChatTurn => ({ role: h.sender, content: h.content })),
    userMessage: req.attachmentText ? `${userMessage.content}\n\n${req.attachmentText}` : userMessage.content,
    contextWindow: req.contextWindow,
    reservedForAnswer: req.reservedForAnswer,
    tokenizer: countTokensLazily,
    keepLast: req.continueAnswer,
  });
  // The question's own token count, when the context had to be counted (the tokenizer is
  // loaded then); otherwise it stays unknown rather than load the tokenizer for a label.
  if (userMessage.mode !== 'regenerate' && context.promptTokens !== null) userMessage.tokens = (await countTokensLazily())(userMessage.content);
  return { ...inputs, context };
}
