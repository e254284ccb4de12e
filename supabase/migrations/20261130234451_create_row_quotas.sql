-- Row quotas for what users create directly: on hosted Supabase the Data API lets a user
-- insert into projects, prompts and prompt_labels with their own token, bypassing every
-- limit the API function applies, so the limits live here. Generous for people, but a
-- script cannot fill the database: 1,000 projects and 10,000 prompts per user, 50 labels
-- per prompt. Counted under a per-owner advisory lock, so parallel inserts cannot overshoot.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- tg_argv: the owner column (user_id or prompt_id) and the limit.
create or replace function private.enforce_row_quota()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_owner uuid := (to_jsonb(new) ->> tg_argv[0])::uuid;
  v_limit int := tg_argv[1]::int;
  v_count int;
begin
  -- Only what the API roles insert is limited (the trigger runs as the inserting role);
  -- seeds, migrations and maintenance as the owner are not.
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended(tg_table_name || ':' || v_owner::text, 0));
  execute format('select count(*) from %I.%I where %I = $1', tg_table_schema, tg_table_name, tg_argv[0])
    into v_count using v_owner;
  if v_count >= v_limit then
    raise exception '% limit reached: at most % rows per %', tg_table_name, v_limit, tg_argv[0]
      using errcode = '54000', hint = 'Delete some before adding more.';
  end if;
  return new;
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger projects_enforce_quota
  before insert on public.projects
  for each row execute function private.enforce_row_quota('user_id', '1000');

create trigger prompts_enforce_quota
  before insert on public.prompts
  for each row execute function private.enforce_row_quota('user_id', '10000');

create trigger prompt_labels_enforce_quota
  before insert on public.prompt_labels
  for each row execute function private.enforce_row_quota('prompt_id', '50');

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.enforce_row_quota() from public, anon, authenticated, service_role;
