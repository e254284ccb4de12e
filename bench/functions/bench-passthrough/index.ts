/**
 * The benchmark's floor for the chat path: an Edge Function with no app code — no auth of its
 * own, no database, no turn — that forwards the request body to the fake provider and streams
 * its answer back unchanged. The gateway still checks the caller's JWT first (verify_jwt), as it
 * does for `api`. Behind the same gateway and function runtime as `api`, its added
 * time to the first token is what the architecture costs on this machine before any of our
 * code runs (a request through the gateway to a Deno process, one provider fetch from it, the
 * stream back through both). Only the benchmark mounts it (bench/lib/environment.ts); it is
 * never deployed.
 */
const providerUrl = Deno.env.toObject().DEMO_PROVIDER_URL;

Deno.serve(async (request) => {
  const upstream = await fetch(`${providerUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer passthrough', 'content-type': 'application/json' },
    body: await request.text(),
  });
  return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': 'text/event-stream' } });
});
