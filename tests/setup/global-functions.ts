/**
 * Builds the project's function bundles once before the test files start (local/ runs each
 * function from one; see local/src/functions/bundle.ts). On a fresh clone the first build
 * also downloads the npm packages and the bundler: done here, it is not charged to the first
 * request of whichever test asks first, and parallel test files all find it ready. A failure
 * is only reported: the stacks then run the sources, as they would anyway.
 */
import path from 'node:path';
import { loadProjectConfig } from '../../local/src/config.ts';
import { prepareBundle } from '../../local/src/functions/bundle.ts';
import { processEnv } from '../../local/src/functions/deno-command.ts';
import { discoverFunctions } from '../../local/src/functions/discovery.ts';
import { DATA_DIR, SUPABASE_DIR } from '../../local/src/paths.ts';

export default async function setup() {
  const functionsDir = path.join(SUPABASE_DIR, 'functions');
  const env = processEnv({ env: {}, functionsDir, denoDir: path.join(DATA_DIR, 'deno') });
  for (const spec of discoverFunctions(functionsDir, loadProjectConfig())) {
    const result = await prepareBundle(spec, { env, bundleRoot: path.join(DATA_DIR, 'functions') });
    if (!result.entry) console.warn(`functions/${spec.slug}: bundling failed; the tests run its sources:\n${result.output}`);
  }
}
