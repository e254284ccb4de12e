-- Row quotas for the two other tables users insert into directly: chat sessions and prompt
-- test cases. Both are granted to `authenticated` (POST /sessions and the test-case routes
-- write them as the user), so on hosted Supabase the Data API lets a script insert them with
-- its own token as fast as it likes — with no chat turn, hence no rate limit — each session
-- carrying up to 16 KB of metadata and each case 52 KB, until the database is full. The same
-- trigger as projects, prompts and labels (20261130234451_create_row_quotas.sql), counted
-- under a per-owner advisory lock: 50,000 sessions and 10,000 test cases per user. Sessions
-- a chat turn, an import or a fork creates are written by the function's owner connection or
-- a definer function, and are not limited here.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger chat_sessions_enforce_quota
  before insert on public.chat_sessions
  for each row execute function private.enforce_row_quota('user_id', '50000');

create trigger prompt_test_cases_enforce_quota
  before insert on public.prompt_test_cases
  for each row execute function private.enforce_row_quota('user_id', '10000');
