// The official openai SDK as another app would use it, talking to the API in-process (the
// gateway's tests: it sends exactly what such an app sends to /api/v1).
import OpenAI from 'openai';
import type { ApiHarness } from './api.ts';

export function openAiSdk(api: Pick<ApiHarness, 'app'>, apiKey: string, maxRetries = 0): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: 'http://mrprompt.test/api/v1',
    maxRetries,
    fetch: async (url: string | URL | Request, init?: RequestInit) => await api.app.request(String(url).replace('http://mrprompt.test', ''), init),
  });
}
