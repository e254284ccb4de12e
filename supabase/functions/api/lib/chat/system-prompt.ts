/**
 * The system messages of a chat turn: the chosen prompt (by label or version, else its
 * latest text) or, failing that, the session's project prompt; rendered with the request's
 * variables (a project's prompt with the values the project keeps, the request's overriding
 * them; a chosen prompt the client already rendered into the message is only named in the
 * usage log); followed by the profile's custom instructions (the sender's). Runs inside the caller's
 * RLS transaction, so only own or public prompts resolve; a group member's turn gets the owner's
 * project prompt from lib/chat/owner-project.ts instead.
 */
import type { TransactionSql } from 'postgres';
import { ApiError, notFound } from '../errors.ts';
import { MissingVariablesError, renderTemplate } from '../prompt-template.ts';

export interface PromptChoice {
  promptId: string;
  label?: string | null;
  version?: number | null;
  /**
   * The client rendered the prompt into the user's message (the web app's prompt picker): the
   * turn is attributed to it, and the system messages are what they would be without it.
   */
  inMessage?: boolean;
}

export interface ResolvedPrompt {
  promptId: string;
  version: number;
  content: string;
}

/** The text of a visible prompt at a label, a version, or its latest version. */
export async function resolvePromptTemplate(sql: TransactionSql, choice: PromptChoice): Promise<ResolvedPrompt> {
  const [prompt] = await sql<{ id: string; content: string; latest_version: number }[]>`
    select id, content, latest_version from public.prompts where id = ${choice.promptId}`;
  if (!prompt) throw notFound('Prompt');
  let version = choice.version ?? null;
  if (choice.label) {
    const [label] = await sql<{ version: number }[]>`
      select version from public.prompt_labels where prompt_id = ${prompt.id} and label = ${choice.label}`;
    if (!label) throw notFound(`Label "${choice.label}" on this prompt`);
    version = label.version;
  }
  if (version === null || version === prompt.latest_version) {
    return { promptId: prompt.id, version: prompt.latest_version, content: prompt.content };
  }
  const [old] = await sql<{ content: string }[]>`
    select content from public.prompt_versions where prompt_id = ${prompt.id} and version = ${version}`;
  if (!old) throw notFound(`Version ${version} of this prompt`);
  return { promptId: prompt.id, version, content: old.content };
}

type Values = Record<string, string | number | boolean>;

/** A project's prompt with the values the project keeps for its variables (projects.system_prompt_variables). */
export interface ProjectPrompt extends ResolvedPrompt {
  variables: Values;
}

export interface SystemPrompt {
  parts: string[];
  /** The prompt used (for the usage log), if any. */
  prompt: { id: string; version: number } | null;
}

export async function loadSystemPrompt(
  sql: TransactionSql,
  options: {
    userId: string;
    chosen: PromptChoice | null;
    projectId: string | null;
    variables: Values;
    /**
     * A group member's turn in the owner's project: the project's prompt as the owner's read
     * found it (lib/chat/owner-project.ts; null: the project has none), instead of reading the
     * project here (the member cannot see it). The sender's custom instructions then come
     * first, so the project's prompt, which is the chat's, has the last word.
     */
    ownerProjectPrompt?: ProjectPrompt | null;
  },
): Promise<SystemPrompt> {
  // A prompt already in the message is resolved (it must be visible, the version must exist) for the log only.
  const inMessage = options.chosen?.inMessage ? await resolvePromptTemplate(sql, options.chosen) : null;
  let choice = inMessage ? null : options.chosen;
  let template: ResolvedPrompt | null = null;
  // Set when the prompt is the project's: the values kept with the project.
  let projectValues: Values | null = null;
  if (!choice && options.ownerProjectPrompt !== undefined) {
    template = options.ownerProjectPrompt;
    projectValues = options.ownerProjectPrompt?.variables ?? null;
  } else if (!choice && options.projectId) {
    const [project] = await sql<{ system_prompt_id: string | null; system_prompt_label: string | null; system_prompt_variables: Values }[]>`
      select system_prompt_id, system_prompt_label, system_prompt_variables from public.projects where id = ${options.projectId}`;
    if (project?.system_prompt_id) {
      choice = { promptId: project.system_prompt_id, label: project.system_prompt_label };
      projectValues = project.system_prompt_variables;
    }
  }
  const parts: string[] = [];
  let used: SystemPrompt['prompt'] = null;
  if (choice) template = await resolvePromptTemplate(sql, choice);
  if (template) {
    try {
      // A prompt rendered into the message brought its own variables: they are not the project's.
      const requested = inMessage ? {} : options.variables;
      parts.push(renderTemplate(template.content, projectValues ? { ...projectValues, ...requested } : requested));
    } catch (error) {
      if (!(error instanceof MissingVariablesError)) throw error;
      // The project was saved with every value its prompt needed then: the prompt (or its label) changed since.
      const message = projectValues
        ? `The project's system prompt (v${template.version}) now needs a value for ${error.missing.join(', ')}: set it in the project's settings`
        : error.message;
      throw new ApiError(422, 'missing_variables', message);
    }
    used = { id: template.promptId, version: template.version };
  }
  const [profile] = await sql<{ custom_instructions: string }[]>`
    select custom_instructions from public.profiles where id = ${options.userId}`;
  addCustomInstructions(parts, profile?.custom_instructions ?? '', options.ownerProjectPrompt !== undefined);
  // The prompt the person picked for this message says more about the turn than the project's.
  if (inMessage) used = { id: inMessage.promptId, version: inMessage.version };
  return { parts, prompt: used };
}

/** The sender's custom instructions join the system messages (first: before a group chat's project prompt). */
export function addCustomInstructions(parts: string[], text: string, first = false): void {
  if (!text.trim()) return;
  if (first) parts.unshift(text);
  else parts.push(text);
}
