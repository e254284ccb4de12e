-- An imported prompt's history keeps its dates in the order of its versions.
--
-- Why: 20261204123842 let the import date each version as its file does, checking only the
-- range (2000 until now), so a file whose version 3 was dated before version 2 made a history
-- that went back in time as its numbers rose. The import now refuses such a prompt with the two
-- versions named (lib/import/prompt-import.ts); the same rule holds here for any writer that
-- sets mrprompt.version_created_at: a dated version may not be dated before the prompt's newest
-- version, else the write fails with 22023 and says why. Versions dated now (every edit) are
-- not checked. Same function otherwise as in 20261204123842_keep_imported_prompt_version_times.sql.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

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
    if tg_op = 'UPDATE' and v_created_at < (
      select pv.created_at from public.prompt_versions pv where pv.prompt_id = new.id order by pv.version desc limit 1
    ) then
      raise exception 'a version''s created_at may not be before the version before it' using errcode = '22023';
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
