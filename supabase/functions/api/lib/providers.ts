/**
 * The provider catalog: every OpenAI-compatible endpoint the API can call, its models and
 * their context windows. One place decides a provider's base URL (fixed, user-given, or the
 * server's demo URL) and whether it needs a key.
 */
import type { Config } from '../config.ts';

export interface ProviderModel {
  id: string;
  name: string;
  context_window: number;
  /** Reads images sent as `image_url` content parts (false: known not to). */
  vision: boolean;
}

export interface ProviderInfo {
  id: string;
  name: string;
  /** Fixed endpoint; null when the user supplies one (custom) or the server does (demo). */
  base_url: string | null;
  /** ollama/custom: the user may (custom: must) store a base URL with the credential. */
  base_url_mode: 'fixed' | 'optional' | 'required';
  requires_key: boolean;
  /** Whether model ids outside `models` are accepted (routers, local servers, endpoints). */
  any_model: boolean;
  /** Used for models not in the list. */
  default_context_window: number;
  models: ProviderModel[];
  /**
   * The catalog cannot say what a key may call here (a router's hundreds of models, what a local
   * server has installed, a custom endpoint's): the provider's own GET /models does, and the
   * gateway's GET /v1/models lists that instead of `models` (lib/gateway-models.ts).
   */
  listed_by_provider?: boolean;
  docs_url?: string;
  /**
   * The model its OpenAI-compatible `/embeddings` endpoint serves for ranking project files
   * (lib/attachments/embeddings.ts); absent where the provider has no such endpoint, or none
   * every account can call.
   */
  embedding?: EmbeddingModel;
}

export interface EmbeddingModel {
  id: string;
  /** Length of the vectors it returns (at most EMBEDDING_DIMENSIONS). */
  dimensions: number;
}

const m = (id: string, name: string, context_window: number, vision = false): ProviderModel => ({ id, name, context_window, vision });
const V = true;

const CATALOG: ProviderInfo[] = [
  {
    id: 'openai', name: 'OpenAI', base_url: 'https://api.openai.com/v1', base_url_mode: 'fixed', requires_key: true,
    any_model: true, default_context_window: 128_000, docs_url: 'https://platform.openai.com/docs/models',
    // https://platform.openai.com/docs/guides/embeddings: 1536 dimensions.
    embedding: { id: 'text-embedding-3-small', dimensions: 1536 },
    models: [m('gpt-4.1', 'GPT-4.1', 1_047_576, V), m('gpt-4.1-mini', 'GPT-4.1 mini', 1_047_576, V), m('gpt-4o', 'GPT-4o', 128_000, V), m('gpt-4o-mini', 'GPT-4o mini', 128_000, V), m('o4-mini', 'o4-mini', 200_000, V)],
  },
  {
    // Anthropic's OpenAI SDK compatibility layer.
    id: 'anthropic', name: 'Anthropic', base_url: 'https://api.anthropic.com/v1/', base_url_mode: 'fixed', requires_key: true,
    any_model: true, default_context_window: 200_000, docs_url: 'https://docs.anthropic.com/en/api/openai-sdk',
    models: [m('claude-sonnet-4-5', 'Claude Sonnet 4.5', 200_000, V), m('claude-opus-4-1', 'Claude Opus 4.1', 200_000, V), m('claude-3-5-haiku-latest', 'Claude Haiku 3.5', 200_000, V)],
  },
  {
    // StreamLake (Vanchin) serves Kuaishou's KAT-Coder; the model may also be your endpoint id (ep-…).
    id: 'streamlake', name: 'StreamLake (KAT-Coder)', base_url: 'https://vanchin.streamlake.ai/api/gateway/v1/endpoints', base_url_mode: 'fixed',
    requires_key: true, any_model: true, default_context_window: 128_000, docs_url: 'https://www.streamlake.ai/document',
    models: [m('KAT-Coder-Pro-V1', 'KAT-Coder Pro V1', 256_000), m('KAT-Coder-Air-V1', 'KAT-Coder Air V1', 128_000)],
  },
  {
    id: 'openrouter', name: 'OpenRouter', base_url: 'https://openrouter.ai/api/v1', base_url_mode: 'fixed', requires_key: true,
    any_model: true, listed_by_provider: true, default_context_window: 32_000, docs_url: 'https://openrouter.ai/models',
    models: [m('openai/gpt-4o-mini', 'GPT-4o mini', 128_000, V), m('anthropic/claude-sonnet-4.5', 'Claude Sonnet 4.5', 200_000, V), m('kwaipilot/kat-coder-pro', 'KAT-Coder Pro', 256_000), m('meta-llama/llama-3.3-70b-instruct', 'Llama 3.3 70B', 131_072)],
  },
  {
    id: 'groq', name: 'Groq', base_url: 'https://api.groq.com/openai/v1', base_url_mode: 'fixed', requires_key: true,
    any_model: true, default_context_window: 8_192, docs_url: 'https://console.groq.com/docs/models',
    models: [m('llama-3.3-70b-versatile', 'Llama 3.3 70B', 131_072), m('llama-3.1-8b-instant', 'Llama 3.1 8B', 131_072), m('openai/gpt-oss-120b', 'GPT-OSS 120B', 131_072)],
  },
  {
    id: 'deepseek', name: 'DeepSeek', base_url: 'https://api.deepseek.com/v1', base_url_mode: 'fixed', requires_key: true,
    any_model: false, default_context_window: 128_000, docs_url: 'https://api-docs.deepseek.com/',
    models: [m('deepseek-chat', 'DeepSeek Chat', 128_000), m('deepseek-reasoner', 'DeepSeek Reasoner', 128_000)],
  },
  {
    id: 'mistral', name: 'Mistral', base_url: 'https://api.mistral.ai/v1', base_url_mode: 'fixed', requires_key: true,
    any_model: true, default_context_window: 32_000, docs_url: 'https://docs.mistral.ai/getting-started/models/',
    // https://docs.mistral.ai/capabilities/embeddings/: 1024 dimensions.
    embedding: { id: 'mistral-embed', dimensions: 1024 },
    models: [m('mistral-large-latest', 'Mistral Large', 128_000), m('mistral-small-latest', 'Mistral Small', 128_000, V), m('codestral-latest', 'Codestral', 256_000)],
  },
  {
    id: 'ollama', name: 'Ollama', base_url: 'http://localhost:11434/v1', base_url_mode: 'optional', requires_key: false,
    any_model: true, listed_by_provider: true, default_context_window: 8_192, docs_url: 'https://ollama.com/library',
    models: [m('llama3.2', 'Llama 3.2', 131_072), m('qwen2.5-coder', 'Qwen 2.5 Coder', 32_768), m('mistral', 'Mistral 7B', 32_768)],
  },
  {
    id: 'custom', name: 'Custom (OpenAI-compatible)', base_url: null, base_url_mode: 'required', requires_key: true,
    any_model: true, listed_by_provider: true, default_context_window: 8_192, models: [],
  },
];

/** Offered only when the server sets DEMO_PROVIDER_URL (local stack, tests): no key needed. */
const DEMO: ProviderInfo = {
  id: 'demo', name: 'Demo (offline)', base_url: null, base_url_mode: 'fixed', requires_key: false,
  // The text-only model lets a test see an image refused for a model known not to read images.
  any_model: true, default_context_window: 16_000, models: [m('demo-model', 'Demo model', 16_000, V), m('demo-text-model', 'Demo text model', 16_000)],
  embedding: { id: 'demo-embed', dimensions: 256 },
};

/** Every provider this server offers. */
export function listProviders(config: Config): ProviderInfo[] {
  return config.demoProviderUrl ? [...CATALOG, { ...DEMO, base_url: config.demoProviderUrl }] : CATALOG;
}

export function findProvider(config: Config, id: string): ProviderInfo | null {
  return listProviders(config).find((p) => p.id === id) ?? null;
}

/** Context window for a model, falling back to the provider's default. */
export function contextWindow(provider: ProviderInfo, model: string): number {
  return provider.models.find((x) => x.id === model)?.context_window ?? provider.default_context_window;
}

/**
 * What the catalog knows of a model's eyes. A model outside it (a router's, a local server's, a
 * custom endpoint's, a new one) is `unknown`, not blind: its images are sent, and a provider that
 * cannot take them answers with its own error.
 */
export function imageSupport(provider: ProviderInfo, model: string): 'reads' | 'blind' | 'unknown' {
  const known = provider.models.find((x) => x.id === model);
  if (!known) return 'unknown';
  return known.vision ? 'reads' : 'blind';
}

/** Whether images may go to a model: refused only for one the catalog knows cannot read them. */
export function supportsVision(provider: ProviderInfo, model: string): boolean {
  return imageSupport(provider, model) !== 'blind';
}

/**
 * The base URL to call: the user's stored one (custom, or ollama when set), else the fixed one.
 * Returns null when a required URL is missing.
 */
export function resolveBaseUrl(provider: ProviderInfo, storedBaseUrl: string | null): string | null {
  if (provider.base_url_mode === 'fixed') return provider.base_url;
  return storedBaseUrl ?? provider.base_url;
}
