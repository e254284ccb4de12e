/**
 * Shared by the functions contract tests: the fixture folder, a bounded poll, an
 * event-stream reader, and the functions service mounted on its own small server.
 */
import http from 'node:http';
import path from 'node:path';
import { loadProjectConfig } from '../../local/src/config.ts';
import { createFunctionsService, type FunctionsService, type FunctionsServiceOptions } from '../../local/src/functions/index.ts';
import { generateKeys } from '../../local/src/keys/index.ts';
import { ROOT } from '../../local/src/paths.ts';

export const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'functions');

/** Polls `probe` until it returns a value (bounded; no timing is asserted). */
export async function eventually<T>(probe: () => Promise<T | undefined>, attempts = 200): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not reached');
}

/** Reads an event stream until `marker` has arrived; returns all text read so far. */
export async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, marker: string, text = ''): Promise<string> {
  const decoder = new TextDecoder();
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${marker}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** The service mounted on its own server, with the fixture config.toml. */
export async function serveFunctions(overrides: Partial<FunctionsServiceOptions> = {}) {
  const keys = await generateKeys();
  const service: FunctionsService = createFunctionsService({
    functionsDir: FIXTURES,
    config: loadProjectConfig(path.join(FIXTURES, 'config.toml')),
    env: {},
    keys,
    ...overrides,
  });
  const server = http.createServer((req, res) => void service.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    service,
    base,
    async stop() {
      await service.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
