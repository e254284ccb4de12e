import { afterEach, describe, expect, it, vi } from 'vitest';
import { cellStats, runCell, type CellResult } from './run-cell.ts';

describe('cellStats', () => {
  it('joins what is known with " · " and starts with nothing stray', () => {
    expect(cellStats({ status: 'done', tokens: 12, latencyMs: 40, costUsd: 0.00012 })).toBe('12 tokens · 40 ms · $0.00012');
    // A failed cell knows only its latency: it used to read " · 40 ms".
    expect(cellStats({ status: 'error', tokens: null, latencyMs: 40, costUsd: null })).toBe('40 ms');
    expect(cellStats({ status: 'running', tokens: null, latencyMs: null, costUsd: null })).toBe('Streaming…');
    expect(cellStats({ status: 'running', tokens: 1, latencyMs: null, costUsd: null })).toBe('Streaming… 1 token');
  });
});

describe('runCell', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads a stream with comment lines (keepalives) and multi-line events without failing', async () => {
    const body = [
      ': keepalive\n\n',
      'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n',
      ': keepalive\n\ndata: {"choices":[{"delta":{"content":"lo"}}]}\n\n',
      'data: {"choices":[],"usage":{"total_tokens":7,"cost_usd":0.001}}\n\n',
      'data: [DONE]\n\n',
    ];
    vi.stubGlobal('fetch', async () => new Response(new ReadableStream({
      start(controller) {
        for (const part of body) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    }), { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    const cell: Partial<CellResult> = {};
    await runCell({ model: 'demo/demo-model', prompt: 'p', version: 1, variables: {}, message: 'hi' }, (patch) => Object.assign(cell, patch));
    expect(cell).toMatchObject({ status: 'done', text: 'Hello', tokens: 7, costUsd: 0.001 });
    expect(cell.error).toBeUndefined();
  });

  it('says the server could not be reached when the request never got an answer, not "Failed to fetch"', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const cell: Partial<CellResult> = {};
    await runCell({ model: 'demo/demo-model', prompt: 'p', version: 1, variables: {}, message: 'hi' }, (patch) => Object.assign(cell, patch));
    expect(cell.status).toBe('error');
    expect(cell.error).toMatch(/could not be reached|You are offline/);
  });
});
