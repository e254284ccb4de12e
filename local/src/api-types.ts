/**
 * The web app's API contract, generated: builds the API in-process (no server, no database
 * connection), asks it for its own /openapi.json, and turns that document into TypeScript
 * with openapi-typescript. The web app's openapi-fetch client is typed by the result. (A
 * Node tool, so it lives here rather than in the function's folder, whose imports must all
 * resolve under Deno.)
 *
 *   npm run api:types     # rewrites web/src/lib/api/schema.d.ts; commit it
 *
 * local/src/api-types.test.ts fails when the checked-in file differs from what this
 * renders, so a route change without a regeneration cannot land.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { createApp } from '../../supabase/functions/api/app.ts';
import { loadConfig } from '../../supabase/functions/api/config.ts';
import type { Db } from '../../supabase/functions/api/lib/db.ts';
import { ROOT } from './paths.ts';

export const WEB_API_TYPES_FILE = path.join(ROOT, 'web', 'src', 'lib', 'api', 'schema.d.ts');

const HEADER = `/**
 * GENERATED from the API's OpenAPI document by \`npm run api:types\`
 * (local/src/api-types.ts). Do not edit: change the routes'
 * zod schemas and regenerate. On a merge conflict here, regenerate instead of merging.
 */
`;

/** The document exactly as GET /api/openapi.json serves it. */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    SUPABASE_URL: 'http://127.0.0.1:54321',
    SUPABASE_DB_URL: 'postgresql://unused@127.0.0.1:1/unused',
    // A throwaway all-zero key: the document never touches credentials.
    CREDENTIALS_ENCRYPTION_KEYS: `1:${Buffer.alloc(32).toString('base64')}`,
    LOG_LEVEL: 'silent',
  });
  // Routes only reach the database when a request runs them; none does here.
  const unusedDb = new Proxy({} as Db, {
    get: (_target, name) => {
      throw new Error(`building the OpenAPI document must not use the database (db.${String(name)})`);
    },
  });
  const res = await createApp(config, { db: unusedDb }).request('/api/openapi.json');
  if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  return await res.json();
}

/** The TypeScript source of web/src/lib/api/schema.d.ts. */
export async function renderWebApiTypes(): Promise<string> {
  const document = await buildOpenApiDocument();
  // The document's `servers` entry names one deployment's URL; the types do not depend on it.
  const ast = await openapiTS(JSON.stringify({ ...document, servers: [] }), { alphabetize: true, exportType: true });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  await writeFile(WEB_API_TYPES_FILE, await renderWebApiTypes());
  console.log(`wrote ${path.relative(ROOT, WEB_API_TYPES_FILE)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
