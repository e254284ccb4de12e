// The web app's generated API types must match what the API's OpenAPI document renders to
// now; when a route or schema changes, run `npm run api:types` and commit the result.
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, renderWebApiTypes, WEB_API_TYPES_FILE } from './api-types.ts';

describe('generated web API types', () => {
  it('are up to date with the API (run `npm run api:types` if not)', async () => {
    const checkedIn = await fs.readFile(WEB_API_TYPES_FILE, 'utf8');
    expect(checkedIn, 'web/src/lib/api/schema.d.ts is stale: run `npm run api:types`').toBe(await renderWebApiTypes());
  }, 60_000);

  it('come from the document the API serves, without touching a database', async () => {
    const document = await buildOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    const paths = Object.keys(document.paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(['/api/projects', '/api/sessions/{id}/messages', '/api/prompts/{id}/versions']));
    const checkedIn = await fs.readFile(WEB_API_TYPES_FILE, 'utf8');
    for (const path of paths) expect(checkedIn).toContain(`"${path}": {`);
  }, 60_000);
});
