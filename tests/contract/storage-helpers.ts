/** Shared setup for the Storage contract tests: signed-in official clients and a look at
 * the files on disk (to prove nothing is left behind). */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

export interface SignedInUser {
  user: AuthUser;
  client: SupabaseClient;
}

/** A fresh user signed in through the official client. */
export async function signIn(stack: TestStack, label = 'storage'): Promise<SignedInUser> {
  const user = await createAuthUser(stack.db.sql, { email: testEmail(label), password: TEST_PASSWORD });
  const client = stack.client();
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: TEST_PASSWORD });
  if (error) throw error;
  return { user, client };
}

/** Stored version files (the temp folder excluded) and anything left in the temp folder. */
export async function filesOnDisk(stack: TestStack): Promise<{ stored: string[]; temp: string[] }> {
  const entries = await fs.readdir(stack.storageDir);
  const temp = await fs.readdir(path.join(stack.storageDir, '.tmp')).catch(() => []);
  return { stored: entries.filter((name) => name !== '.tmp').sort(), temp };
}

/** The version (file name on disk) of an object row. */
export async function versionOf(stack: TestStack, bucket: string, name: string): Promise<string | undefined> {
  const [row] = await stack.db.sql<{ version: string }[]>`
    select version from storage.objects where bucket_id = ${bucket} and name = ${name}`;
  return row?.version;
}
