import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nextTurn } from './next-turn.ts';

describe('nextTurn', () => {
  it('resolves after the microtasks of the current turn, not within it', async () => {
    const order: string[] = [];
    const turn = nextTurn().then(() => order.push('next turn'));
    // A chain of microtasks queued after the call still runs first.
    void Promise.resolve()
      .then(() => order.push('microtask 1'))
      .then(() => order.push('microtask 2'))
      .then(() => order.push('microtask 3'));
    expect(order).toEqual([]);
    await turn;
    expect(order).toEqual(['microtask 1', 'microtask 2', 'microtask 3', 'next turn']);
  });

  it('resolves every call, and leaves no open port to keep a process alive', async () => {
    // A Node process that awaits 100 of them must then exit by itself.
    const script = `
      const { nextTurn } = await import(${JSON.stringify(new URL('./next-turn.ts', import.meta.url).href)});
      const done = await Promise.all(Array.from({ length: 100 }, () => nextTurn().then(() => 1)));
      console.log(done.length);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 });
    expect(stdout.trim()).toBe('100');
  }, 40_000);
});
