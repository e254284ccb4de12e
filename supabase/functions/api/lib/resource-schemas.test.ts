// The row types are derived from the response schemas; these checks run in `npm run typecheck`
// (expectTypeOf is compile-time) and guard the derivation: timestamps are Date, the rest as described.
import { expectTypeOf, it } from 'vitest';
import type { MessageRow, ProjectRow, PromptRow, UsageLogRow } from './resource-schemas.ts';

it('derives row types from the response schemas, with timestamps as Date', () => {
  expectTypeOf<ProjectRow['created_at']>().toEqualTypeOf<Date>();
  expectTypeOf<ProjectRow['system_prompt_id']>().toEqualTypeOf<string | null>();
  expectTypeOf<MessageRow['status']>().toEqualTypeOf<'complete' | 'streaming' | 'stopped' | 'error'>();
  expectTypeOf<UsageLogRow['executed_at']>().toEqualTypeOf<Date>();
  expectTypeOf<UsageLogRow['cost_usd']>().toEqualTypeOf<number | null>();
  expectTypeOf<PromptRow>().not.toHaveProperty('variables');
  expectTypeOf<PromptRow['tags']>().toEqualTypeOf<string[]>();
});
