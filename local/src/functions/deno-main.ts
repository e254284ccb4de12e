/**
 * Runs inside each function's Deno process, before the function's own code. It gives the
 * function what Supabase's Edge Runtime gives it — `EdgeRuntime.waitUntil` and a
 * `Deno.serve` that the platform, not the function, decides where to bind — then imports
 * the entrypoint. Usage: `deno run … deno-main.ts <entrypoint file URL>`.
 *
 * Protocol with the Node side (local/src/functions/worker.ts):
 * - once the function listens, one line `MRPROMPT_FUNCTION_READY port=<n>` on stdout;
 * - stdin is a pipe held by the Node process: when it closes (Node exited, even by
 *   SIGKILL) this process exits too, so no function outlives the stack;
 * - SIGTERM first dispatches `beforeunload` (as Supabase's Edge Runtime does before it shuts
 *   a worker down, with `detail.reason`), then lets pending `waitUntil` work finish (briefly),
 *   then exits.
 *
 * Deno checks no types at run time, so the few Deno APIs used are declared here rather
 * than pulling Deno's type library into the Node project's tsconfig.
 */
export {};

interface ServeInit {
  port?: number;
  hostname?: string;
  onListen?: (address: { port: number; hostname: string }) => void;
  handler?: ServeHandler;
  [option: string]: unknown;
}
type ServeHandler = (request: Request, info: unknown) => Response | Promise<Response>;
interface DenoApi {
  args: string[];
  serve(...args: unknown[]): unknown;
  exit(code?: number): never;
  addSignalListener(signal: 'SIGTERM', handler: () => void): void;
  stdin: { readable: ReadableStream<Uint8Array> };
}
declare const Deno: DenoApi;

const READY_MARKER = 'MRPROMPT_FUNCTION_READY';
/** How long SIGTERM waits for background work before exiting anyway. */
const SHUTDOWN_GRACE_MS = 2_000;

const [entrypoint] = Deno.args;
if (!entrypoint) {
  console.error('deno-main: missing entrypoint argument');
  Deno.exit(2);
}

// EdgeRuntime.waitUntil: keep background work alive after the response is sent, and log
// its failure instead of letting an unhandled rejection kill the worker.
const pending = new Set<Promise<unknown>>();
Object.defineProperty(globalThis, 'EdgeRuntime', {
  value: Object.freeze({
    waitUntil<T>(work: Promise<T>): Promise<T> {
      const tracked: Promise<unknown> = Promise.resolve(work)
        .catch((error: unknown) => console.error('EdgeRuntime.waitUntil task failed:', error))
        .finally(() => pending.delete(tracked));
      pending.add(tracked);
      return work;
    },
  }),
  enumerable: false,
  // Code that installs its own polyfill must not throw.
  writable: true,
  configurable: true,
});

// Deno.serve(handler) | Deno.serve(options, handler) | Deno.serve({ ...options, handler }).
const originalServe = Deno.serve.bind(Deno);
let served = false;
Deno.serve = (...args: unknown[]): unknown => {
  if (served) throw new Error('Deno.serve was called twice; an Edge Function serves exactly once');
  const first = args[0];
  const options: ServeInit = typeof first === 'function' ? {} : { ...(first as ServeInit | undefined) };
  const handler = typeof first === 'function' ? first : (args[1] ?? options.handler);
  if (typeof handler !== 'function') throw new TypeError('Deno.serve needs a handler function');
  served = true;
  const { handler: _ignored, ...rest } = options;
  return originalServe(
    {
      ...rest,
      // The platform owns the address: an ephemeral loopback port, reported to the parent.
      hostname: '127.0.0.1',
      port: 0,
      onListen: ({ port }: { port: number }) => console.log(`${READY_MARKER} port=${port}`),
    },
    handler,
  );
};

Deno.addSignalListener('SIGTERM', () => {
  // The function may save what it is doing (the api function stops running chat turns, keeping
  // their partial answers). https://supabase.com/docs/guides/functions/background-tasks
  try {
    globalThis.dispatchEvent(new CustomEvent('beforeunload', { detail: { reason: 'termination' } }));
  } catch (error) {
    console.error('deno-main: a beforeunload listener failed:', error);
  }
  const timeout = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS));
  void Promise.race([Promise.allSettled([...pending]), timeout]).then(() => Deno.exit(0));
});

// Exit when the parent's end of stdin closes.
void (async () => {
  try {
    const reader = Deno.stdin.readable.getReader();
    // Nothing is ever sent; reading only detects the end.
    while (!(await reader.read()).done);
  } finally {
    Deno.exit(0);
  }
})();

try {
  const module: Record<string, unknown> = await import(entrypoint);
  // New-style functions export `{ fetch }` instead of calling Deno.serve.
  const exported = module.default;
  if (!served && exported && typeof (exported as { fetch?: unknown }).fetch === 'function') {
    const target = exported as { fetch: ServeHandler };
    Deno.serve((request: Request, info: unknown) => target.fetch(request, info));
  }
  if (!served) {
    console.error(`deno-main: ${entrypoint} neither called Deno.serve nor exported default { fetch }`);
    Deno.exit(1);
  }
} catch (error) {
  console.error('deno-main: the function failed to boot:', error);
  Deno.exit(1);
}
