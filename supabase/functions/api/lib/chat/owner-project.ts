/**
 * The project context of a member's turn in a group chat. A chat in one of the owner's
 * projects carries that project's system prompt and files, whoever asks; but the member may
 * not read the owner's project, prompts or files (RLS hides them, and nothing here changes
 * that for the Data API). So the function reads them *as the owner*, on its own connection,
 * and only what the owner's own turn would use: the prompt the chat keeps (the one the owner
 * started it with, lib/chat/chat-prompt.ts), else the system prompt of the project the session
 * belongs to (at the project's label), and the project's files (whole, or the chunks ranked
 * for this question). The member receives them only inside the model's prompt, as the owner's turn
 * would. The owner's personal custom instructions are not the project's and are not read.
 */
import type { TransactionSql } from 'postgres';
import { projectFilesContext, type ProjectFilesContext, type QuestionVector } from '../attachments/project-files.ts';
import { activeQuestion } from './branch.ts';
import { chatPromptOf } from './chat-prompt.ts';
import { resolveChatPrompt, resolvePromptTemplate, type ProjectPrompt } from './system-prompt.ts';

export interface OwnerProject {
  projectId: string | null;
  /** The chat's or else the project's system prompt (unrendered) with the values kept for it, null without one. */
  prompt: ProjectPrompt | null;
  files: ProjectFilesContext;
}

export const NO_OWNER_PROJECT: OwnerProject = { projectId: null, prompt: null, files: { text: '', tokens: 0, used: [] } };

/**
 * Runs in a transaction with the owner's RLS (db.readAsUser as the owner). `question` ranks the
 * files' chunks; without one (regenerate) the active branch's question is used. `withPrompt`
 * false: the sender chose a prompt for this turn, so neither the chat's nor the project's is
 * needed; `withChatPrompt` false: the sender asked for none of the chat's (`prompt_id: null`).
 */
export async function readOwnerProject(
  sql: TransactionSql,
  req: { sessionId: string; ownerId: string; question: string | undefined; filesBudget: number; withPrompt: boolean; withChatPrompt: boolean; questionVector?: QuestionVector },
): Promise<OwnerProject> {
  const [session] = await sql<{ chat_prompt: unknown; project_id: string | null; system_prompt_id: string | null; system_prompt_label: string | null; system_prompt_variables: NonNullable<ProjectPrompt['variables']> | null }[]>`
    select s.metadata->'prompt' as chat_prompt, p.id as project_id, p.system_prompt_id, p.system_prompt_label, p.system_prompt_variables
      from public.chat_sessions s left join public.projects p on p.id = s.project_id
     where s.id = ${req.sessionId} and s.user_id = ${req.ownerId}`;
  if (!session) return NO_OWNER_PROJECT;
  const chatPrompt = req.withPrompt && req.withChatPrompt ? chatPromptOf(session.chat_prompt) : null;
  const prompt = chatPrompt
    ? await resolveChatPrompt(sql, chatPrompt)
    : req.withPrompt && session.system_prompt_id
      ? { ...(await resolvePromptTemplate(sql, { promptId: session.system_prompt_id, label: session.system_prompt_label })), variables: session.system_prompt_variables ?? {} }
      : null;
  const project = session.project_id;
  if (!project) return { ...NO_OWNER_PROJECT, prompt };
  let files = NO_OWNER_PROJECT.files;
  if (req.filesBudget > 0) {
    const question = req.question ?? (await activeQuestion(sql, req.sessionId))?.content ?? '';
    files = await projectFilesContext(sql, project, question, req.filesBudget, req.questionVector);
  }
  return { projectId: project, prompt, files };
}
