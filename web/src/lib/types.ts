// Row shapes the API returns (snake_case, as the database columns in DESIGN.md).

export interface Profile {
  id: string;
  display_name: string;
  avatar_url: string | null;
  custom_instructions: string;
  preferences: { default_provider?: string; default_model?: string; theme?: string } & Record<string, unknown>;
}

export interface ProviderModel {
  id: string;
  name?: string;
  context_window?: number;
}

export interface Provider {
  id: string;
  name?: string;
  label?: string;
  base_url?: string | null;
  requires_key?: boolean;
  /** Model ids outside `models` are accepted (custom endpoints, routers, local servers). */
  any_model?: boolean;
  models: ProviderModel[];
}

export interface Credential {
  provider: string;
  key_hint: string;
  base_url: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  system_prompt_id: string | null;
  system_prompt_label: string | null;
  created_at: string;
  updated_at: string;
}

export interface ChatSession {
  id: string;
  project_id: string | null;
  title: string;
  metadata: Record<string, unknown>;
  last_message_at: string;
  created_at: string;
  updated_at: string;
}

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error';

export interface Message {
  id: string;
  session_id: string;
  sender: 'user' | 'assistant' | 'system';
  content: string;
  status: MessageStatus;
  error: string | null;
  provider: string | null;
  model: string | null;
  token_count: number | null;
  created_at: string;
  /** Not a column: latency measured by this tab while it streamed the answer. */
  latency_ms?: number | null;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  /** The `seq` of the last streamed delta this text includes (the server's checkpoint, or what this tab applied). */
  seq?: number | null;
  /** The model's reasoning, stored apart from the answer. */
  reasoning?: string | null;
}

export interface Prompt {
  id: string;
  user_id: string;
  title: string;
  description: string;
  content: string;
  tags: string[];
  is_public: boolean;
  forked_from: string | null;
  latest_version: number;
  created_at: string;
  updated_at: string;
  labels?: PromptLabel[];
}

export interface PromptVersion {
  id: string;
  prompt_id: string;
  version: number;
  title: string;
  content: string;
  commit_message: string | null;
  created_at: string;
}

export interface PromptLabel {
  label: string;
  version: number;
}

export interface SearchHit {
  message_id: string;
  session_id: string;
  session_title: string;
  /** Plain text; matches sit between « and ». */
  snippet: string;
}

/** Display name for a provider row, whatever the catalog calls that field. */
export function providerName(p: Provider): string {
  return p.name ?? p.label ?? p.id;
}

/** GET /budget: the monthly budget (USD, calendar month in UTC) and this month's spend. */
export interface Budget {
  monthly_budget_usd: number | null;
  spent_usd: number;
  used_share: number | null;
  state: 'none' | 'ok' | 'warning' | 'exceeded';
  month_start: string;
  resets_at: string;
}
