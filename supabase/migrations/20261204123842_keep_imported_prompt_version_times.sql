-- Prompt import keeps each version's date from the file (POST /import/prompts).

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: an imported history was dated at import, so a prompt written over two years showed
-- every version as made today. The import passes a version's original time the way it passes
-- its commit message, through a transaction-local setting
-- (select set_config('mrprompt.version_created_at', $1, true)), which the Data API cannot set
-- (PostgREST exposes no way to run set_config). The time is checked here, whoever sets it: not
-- in the future and not before 2000, else the write fails with 22023 and says why; unset or
-- empty, the version is dated now() as before. Same function otherwise as in
-- 20261130234156_add_prompt_names_settings_locks.sql.
create or replace function private.record_prompt_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_message text := nullif(btrim(current_setting('mrprompt.commit_message', true)), '');
  v_setting text := nullif(btrim(current_setting('mrprompt.version_created_at', true)), '');
  v_created_at timestamptz := now();
begin
  if v_setting is not null then
    begin
      v_created_at := v_setting::timestamptz;
    exception when others then
      raise exception 'a version''s created_at must be a date and time' using errcode = '22023';
    end;
    if v_created_at > now() then
      raise exception 'a version''s created_at may not be in the future' using errcode = '22023';
    end if;
    if v_created_at < '2000-01-01T00:00:00Z'::timestamptz then
      raise exception 'a version''s created_at may not be before 2000' using errcode = '22023';
    end if;
  end if;
  insert into public.prompt_versions (prompt_id, version, title, content, config, commit_message, created_by, created_at)
  values (
    new.id,
    new.latest_version,
    new.title,
    new.content,
    new.config,
    left(coalesce(v_message, case when tg_op = 'INSERT' then 'Initial version' end), 500),
    coalesce((select auth.uid()), new.user_id),
    v_created_at
  );
  return null;
end;
$$;

revoke all on function private.record_prompt_version() from public, anon, authenticated, service_role;
