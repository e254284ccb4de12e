/**
 * The system messages of a chat turn: the prompt chosen for this turn (by label or version,
 * else its latest text), failing that the chat's own prompt (the one it was started with,
 * lib/chat/chat-prompt.ts), failing that the session's project prompt; rendered with the
 * request's variables (a chat's or a project's prompt with the values kept with it, the
 * request's overriding them; a chosen prompt the client already rendered into the message is
 * only named in the usage log); followed by the profile's custom instructions (the sender's).
 * Runs inside the caller's RLS transaction, so only own or public prompts resolve; a group
 * member's turn gets the owner's chat or project prompt from lib/chat/owner-project.ts instead.
 */
import type { TransactionSql } from 'postgres';
import { ApiError, notFound } from '../errors.ts';
import { MissingVariablesError, renderTemplate } from '../prompt-template.ts';
import type { ChatPrompt } from './chat-prompt.ts';

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
  // Someone else's public prompt: its latest version is the shared one (they see no newer).
  const [prompt] = await sql<{ id: string; content: string; latest_version: number }[]>`
    select id, content, latest_version from public.prompts where id = ${choice.promptId}
    union all
    select id, content, version from public.shared_prompts
     where id = ${choice.promptId} and not exists (select 1 from public.prompts where id = ${choice.promptId})`;
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

/**
 * A prompt kept with the chat's project (with the values in projects.system_prompt_variables)
 * or with the chat itself (chat_sessions.metadata.prompt, with no values: chat-prompt.ts).
 */
export interface ProjectPrompt extends ResolvedPrompt {
  variables: Values | null;
  keptBy?: 'project' | 'chat';
}

/** The chat's own prompt, resolved now: its label may point at another version than last turn. */
export async function resolveChatPrompt(sql: TransactionSql, kept: ChatPrompt): Promise<ProjectPrompt> {
  try {
    const template = await resolvePromptTemplate(sql, { promptId: kept.id, label: kept.label, version: kept.version });
    return { ...template, variables: {}, keptBy: 'chat' };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    // Deleted, no longer shared, or its label removed: answering without it would quietly
    // change what the chat is, so the caller decides.
    throw new ApiError(
      422,
      'chat_prompt_unavailable',
      `This chat's system prompt can no longer be used (${error.message}): name another with prompt_id, or send "prompt_id": null to go on without one`,
      undefined,
      { prompt_id: kept.id },
    );
  }
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
    /** The chat's own prompt (chat_sessions.metadata.prompt), used when this turn chose none. */
    chatPrompt?: ChatPrompt | null;
  },
): Promise<SystemPrompt> {
  // A prompt already in the message is resolved (it must be visible, the version must exist) for the log only.
  const inMessage = options.chosen?.inMessage ? await resolvePromptTemplate(sql, options.chosen) : null;
  let choice = inMessage ? null : options.chosen;
  let template: ResolvedPrompt | null = null;
  // Set when the prompt is kept with the chat or its project: the values kept with it.
  let kept: ProjectPrompt | null = null;
  let keptValues: Values | null = null;
  if (!choice && options.ownerProjectPrompt !== undefined) {
    template = kept = options.ownerProjectPrompt;
  } else if (!choice && options.chatPrompt) {
    template = kept = await resolveChatPrompt(sql, options.chatPrompt);
  } else if (!choice && options.projectId) {
    const [project] = await sql<{ system_prompt_id: string | null; system_prompt_label: string | null; system_prompt_variables: Values }[]>`
      select system_prompt_id, system_prompt_label, system_prompt_variables from public.projects where id = ${options.projectId}`;
    if (project?.system_prompt_id) {
      choice = { promptId: project.system_prompt_id, label: project.system_prompt_label };
      keptValues = project.system_prompt_variables;
    }
  }
  const parts: string[] = [];
  let used: SystemPrompt['prompt'] = null;
  if (choice) template = await resolvePromptTemplate(sql, choice);
  if (kept) keptValues = kept.variables ?? {};
  if (template) {
    try {
      // A prompt rendered into the message brought its own variables: they are not the project's.
      // A chat keeps no values, so the request's are its prompt's even beside a rendered one.
      const requested = inMessage && kept?.keptBy !== 'chat' ? {} : options.variables;
      parts.push(renderTemplate(template.content, keptValues ? { ...keptValues, ...requested } : requested));
    } catch (error) {
      if (!(error instanceof MissingVariablesError)) throw error;
      const keeper = kept?.keptBy ?? (keptValues ? 'project' : null);
      // The names and who keeps the prompt let a client ask for the values in its own words.
      throw new ApiError(422, 'missing_variables', missingValuesMessage(error, template.version, keeper), undefined, {
        variables: error.missing.map((name) => ({ name, problem: 'is missing' })),
        ...(keeper ? { kept_by: keeper } : {}),
      });
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

function missingValuesMessage(error: MissingVariablesError, version: number, keeper: 'project' | 'chat' | null): string {
  const names = error.missing.join(', ');
  // The project was saved with every value its prompt needed then: the prompt (or its label) changed since.
  if (keeper === 'project') return `The project's system prompt (v${version}) now needs a value for ${names}: set it in the project's settings`;
  if (keeper === null) return error.message;
  // The chat keeps its prompt, not the values (everyone in a group chat reads its metadata).
  return `This chat's system prompt (v${version}) needs a value for ${names}: send it in variables with each turn (a chat does not keep them), or send "prompt_id": null to go on without the prompt`;
}

/** The sender's custom instructions join the system messages (first: before a group chat's project prompt). */
export function addCustomInstructions(parts: string[], text: string, first = false): void {
  if (!text.trim()) return;
  if (first) parts.unshift(text);
  else parts.push(text);
}
