// One playground cell: a prompt version × a model, streamed through the gateway
// (/api/v1/chat/completions via the same-origin proxy). Reports text as it arrives, then
// tokens, latency and cost; a failure ends only this cell.
import { formatTokens, formatUsd } from '../../lib/usage-format';
import { apiFetch } from '../../lib/api';

export interface CellResult {
  text: string;
  status: 'running' | 'done' | 'error';
  error: string | null;
  tokens: number | null;
  latencyMs: number | null;
  costUsd: number | null;
}

export async function runCell(
  input: { model: string; prompt: string; version: number; variables: Record<string, string>; message: string },
  update: (patch: Partial<CellResult>) => void,
): Promise<void> {
  const started = performance.now();
  let text = '';
  try {
    const res = await apiFetch('/api/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: input.model,
        messages: [{ role: 'user', content: input.message }],
        stream: true,
        stream_options: { include_usage: true },
        prompt: input.prompt,
        prompt_version: input.version,
        variables: input.variables,
      }),
    });
    if (!res.ok || !res.body) {
      const body = await res.json().catch(() => null);
      throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split('\n\n');
      buffer = events.pop() ?? '';
      for (const event of events) {
        // An event's data lines (a `:` comment, such as a keepalive, has none and is skipped).
        const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, '')).join('\n');
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message);
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) update({ text: (text += delta) });
        if (chunk.usage) update({ tokens: chunk.usage.total_tokens, costUsd: chunk.usage.cost_usd ?? null });
      }
    }
    update({ status: 'done', latencyMs: Math.round(performance.now() - started) });
  } catch (err) {
    update({ status: 'error', error: err instanceof Error ? err.message : 'The run failed', latencyMs: Math.round(performance.now() - started) });
  }
}

/** What a cell shows under its text: "Streaming…", then tokens · latency · dollars, as far as known. */
export function cellStats(cell: Pick<CellResult, 'status' | 'tokens' | 'latencyMs' | 'costUsd'>): string {
  const known = [
    cell.tokens !== null ? formatTokens(cell.tokens) : null,
    cell.latencyMs !== null ? `${cell.latencyMs} ms` : null,
    cell.costUsd !== null ? formatUsd(cell.costUsd) : null,
  ].filter((part): part is string => part !== null).join(' · ');
  return [cell.status === 'running' ? 'Streaming…' : '', known].filter(Boolean).join(' ');
}
