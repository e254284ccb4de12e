-- Where each call came from, and what a deleted project cost:
-- - prompt_usage_logs.api_key_id: the API key that made the call (the gateway, or a chat turn
--   sent with a key), null for the web app. When a key leaks, the first question is what it
--   spent and when; the usage rows could not say.
-- - api_keys.revoked_at: revoking keeps the key, unusable, so its calls stay attributed to it
--   and Settings can list it as revoked with what it spent (it used to delete the row).
-- - private.authenticate_api_key marks a key used only when it holds a scope the request
--   accepts: a `prompts:read` key refused (403) at the gateway showed a fresh "last used".
-- - prompt_usage_logs.deleted_project_id/_name: deleting a project used to move all its past
--   costs to "No project" (the link became null). A trigger copies the project's id and name
--   into its logs as it goes, so usage shows "Research (deleted)".
-- Bytes per chat turn: the new log columns are null on a web turn (the row's null bitmap
-- already exists and keeps its size: 23 columns still fit the 32-byte header), api_key_id has
-- only a partial index (nothing for null rows) and no foreign key (whose covering index would
-- hold every turn's null), and chat_turns.api_key_id is null too. A turn writes what it did.

-- ============================================================================
-- TABLE
-- ============================================================================

-- No foreign key: keys are never deleted while their owner exists (revoking stamps
-- revoked_at; an account's deletion takes its logs too), so there is no delete to follow, and
-- a key-to-owner check holds on insert instead (the trigger below).
alter table public.prompt_usage_logs
  add column api_key_id uuid,
  add column deleted_project_id uuid,
  add column deleted_project_name text check (char_length(deleted_project_name) <= 100);

comment on column public.prompt_usage_logs.api_key_id is
  'The API key (of the log''s user) that made the call; null for the web app. Set by the function.';
comment on column public.prompt_usage_logs.deleted_project_id is
  'The project the call was made in, once that project is deleted (project_id is then null). Set by a trigger on projects.';
comment on column public.prompt_usage_logs.deleted_project_name is
  'That deleted project''s name, on its owner''s logs only (another payer never read it).';

alter table public.api_keys
  add column revoked_at timestamptz;

comment on column public.api_keys.revoked_at is
  'When the key was revoked: it is refused from then on and kept so its usage stays attributed. Set once, never cleared.';

-- What the settle logs for a turn whose process died: the key that sent it (null: the web app).
alter table private.chat_turns
  add column api_key_id uuid;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- A key's calls (its spend in Settings, by-key usage): only rows made with a key are indexed.
create index prompt_usage_logs_api_key_id_idx on public.prompt_usage_logs (api_key_id, executed_at)
  where api_key_id is not null;

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- prompt_usage_logs: unchanged. Users only select their own rows (no insert, update or delete
-- privilege since 20261130234937), so nobody can forge a call's key or project through the
-- Data API; the new columns follow the table's grants.

-- api_keys: revoking is an update of revoked_at (the trigger below stamps it now and refuses
-- clearing it); deleting is no longer granted.
drop policy "api_keys: users can revoke their own keys from a session" on public.api_keys;

-- A request authenticated with an API key carries an `api_key_id` claim; such a request may
-- not revoke keys (only a signed-in session manages them).
create policy "api_keys: users can revoke their own keys from a session"
  on public.api_keys for update to authenticated
  using (user_id = (select auth.uid()) and ((select auth.jwt()) ->> 'api_key_id') is null)
  with check (user_id = (select auth.uid()) and ((select auth.jwt()) ->> 'api_key_id') is null);

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- A log names only a key of its own user: the function sets it from the verified key, and
-- even a privileged writer (the service role) cannot pin a call on someone else's key.
create or replace function private.check_usage_api_key()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.api_keys k where k.id = new.api_key_id and k.user_id = new.user_id) then
    raise exception 'prompt_usage_logs.api_key_id must be a key of the log''s user'
      using errcode = '23503';
  end if;
  return new;
end;
$$;

-- Revoking is one-way and happens now: whatever time a writer states, revoked_at becomes the
-- transaction's time, and a revoked key cannot be brought back.
create or replace function private.stamp_api_key_revocation()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.revoked_at is not null then
    raise exception 'A revoked API key stays revoked' using errcode = '42501';
  end if;
  if new.revoked_at is not null then
    new.revoked_at := now();
  end if;
  return new;
end;
$$;

-- Before a project goes, its logs keep it: the link is cleared here (so the foreign key's
-- ON DELETE SET NULL finds nothing left to update, one write per log) and the id and name are
-- kept beside it. The name only on the owner's own logs: a member who paid for a turn in the
-- owner's project never could read its name. Security definer: users cannot write logs.
create or replace function private.keep_usage_of_deleted_project()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.prompt_usage_logs l
     set project_id = null,
         deleted_project_id = old.id,
         deleted_project_name = case when l.user_id = old.user_id then old.name end
   where l.project_id = old.id;
  return old;
end;
$$;

-- As in 20261130230950_create_api_keys.sql, with two changes: a revoked key is not found, and
-- the key is marked used only when it holds one of `p_scopes` (the scopes the request accepts;
-- null: any, as before, so a function deployed before this migration still calls it). A key
-- refused for its scope is still returned, so the API can answer 403 rather than 401.
drop function private.authenticate_api_key(bytea);
create function private.authenticate_api_key(p_key_hash bytea, p_scopes text[] default null)
returns table (key_id uuid, user_id uuid, email text, scopes text[])
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key public.api_keys%rowtype;
  v_email text;
begin
  select k.* into v_key
    from public.api_keys k
    join auth.users u on u.id = k.user_id
   where k.key_hash = p_key_hash
     and k.revoked_at is null
     and (k.expires_at is null or k.expires_at > now())
     and u.deleted_at is null
     and (u.banned_until is null or u.banned_until <= now());
  if not found then
    return;
  end if;
  select u.email into v_email from auth.users u where u.id = v_key.user_id;
  if (p_scopes is null or v_key.scopes && p_scopes)
     and (v_key.last_used_at is null or v_key.last_used_at < now() - interval '1 minute') then
    update public.api_keys set last_used_at = now() where id = v_key.id;
  end if;
  return query select v_key.id, v_key.user_id, v_email::text, v_key.scopes;
end;
$$;

-- As in 20261203213400_limit_api_keys_in_create_api_key.sql, with revoked keys kept: at most
-- 50 live keys (revoked ones do not count), and at most 1,000 keys in all, so creating and
-- revoking in a loop cannot grow the table without bound.
create or replace function private.create_api_key(
  p_user_id uuid,
  p_name text,
  p_prefix text,
  p_key_hash bytea,
  p_scopes text[],
  p_expires_at timestamptz
)
returns table (id uuid, name text, prefix text, scopes text[], expires_at timestamptz, last_used_at timestamptz, created_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_limit constant int := 50;
  v_all_limit constant int := 1000;
  v_live int;
  v_all int;
begin
  if p_user_id is null then
    raise exception 'create_api_key: user id is required' using errcode = '22004';
  end if;
  -- Held until the transaction ends: a parallel create for the same user counts after this one's insert.
  perform pg_advisory_xact_lock(hashtextextended('api_keys:' || p_user_id::text, 0));
  select count(*) filter (where k.revoked_at is null), count(*) into v_live, v_all
    from public.api_keys k where k.user_id = p_user_id;
  if v_live >= v_limit then
    raise exception 'api_keys limit reached: at most % rows per user_id', v_limit
      using errcode = '54000', hint = 'Revoke a key you no longer use first.';
  end if;
  if v_all >= v_all_limit then
    raise exception 'api_keys limit reached: at most % rows per user_id, revoked ones included', v_all_limit
      using errcode = '54000';
  end if;
  return query
    insert into public.api_keys as k (user_id, name, prefix, key_hash, scopes, expires_at)
    values (p_user_id, btrim(p_name), p_prefix, p_key_hash, p_scopes, p_expires_at)
    returning k.id, k.name, k.prefix, k.scopes, k.expires_at, k.last_used_at, k.created_at;
end;
$$;

-- The turn functions, as in 20261207010000_log_usage_of_unfinished_turns.sql, and the key
-- that sent a turn (p_api_key_id, null for the web app; a default, so a function deployed
-- before this migration still calls them) is recorded in its lock row and logged with it,
-- whether the turn finishes in the function or is settled after its process died.
drop function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision, uuid, uuid, int, int, bigint, bigint, boolean);
create function private.write_turn_rows(
  p_owner_id uuid,
  p_author_id uuid,
  p_session_id uuid,
  p_new_session boolean,
  p_project_id uuid,
  p_title text,
  p_metadata jsonb,
  p_question_id uuid,
  p_new_question boolean,
  p_question text,
  p_question_tokens int,
  p_parent_id uuid,
  p_answer_id uuid,
  p_provider text,
  p_model text,
  p_lease_seconds double precision,
  p_payer_id uuid default null,
  p_prompt_id uuid default null,
  p_prompt_version int default null,
  p_prompt_tokens int default null,
  p_input_pico_per_token bigint default null,
  p_output_pico_per_token bigint default null,
  p_touch_credential boolean default false,
  p_api_key_id uuid default null
)
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_new_session then
    if p_project_id is not null
       and not exists (select 1 from public.projects p where p.id = p_project_id and p.user_id = p_owner_id) then
      return 'project';
    end if;
    insert into public.chat_sessions (id, user_id, project_id, title, metadata)
    values (p_session_id, p_owner_id, p_project_id, p_title, p_metadata);
  elsif p_owner_id = p_author_id then
    -- The owner's turn saves their chat settings; a member's leaves them as they are.
    -- Unchanged settings (most turns of a chat) are not written again.
    update public.chat_sessions s set metadata = s.metadata || p_metadata
     where s.id = p_session_id and s.user_id = p_owner_id
       and s.metadata || p_metadata is distinct from s.metadata;
    if not found and not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p_owner_id) then
      return 'session';
    end if;
  elsif not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p_owner_id) then
    return 'session';
  end if;

  if p_new_question then
    -- A question without a parent in an existing session is an edit of its first message: a
    -- new first message, which default_message_parent would otherwise thread under the leaf.
    if not p_new_session and p_parent_id is null then
      perform set_config('mrprompt.root_message', p_question_id::text, true);
    end if;
    perform set_config('mrprompt.session_touched_later', p_question_id::text, true);
    insert into public.messages (id, session_id, user_id, author_id, sender, content, status, token_count, parent_id)
    values (p_question_id, p_session_id, p_owner_id, p_author_id, 'user', p_question, 'complete', p_question_tokens, p_parent_id);
    perform set_config('mrprompt.session_touched_later', '', true);
  end if;

  insert into public.messages (id, session_id, user_id, author_id, sender, content, status, provider, model, parent_id)
  values (p_answer_id, p_session_id, p_owner_id, p_author_id, 'assistant', '', 'streaming', p_provider, p_model, p_question_id);

  insert into private.chat_turns
    (message_id, session_id, user_id, lease_expires_at,
     payer_id, prompt_id, prompt_version, prompt_tokens, input_pico_per_token, output_pico_per_token, touch_credential, api_key_id)
  values (p_answer_id, p_session_id, p_owner_id, clock_timestamp() + make_interval(secs => p_lease_seconds),
          p_payer_id, p_prompt_id, p_prompt_version, p_prompt_tokens, p_input_pico_per_token, p_output_pico_per_token, p_touch_credential, p_api_key_id);
  return null;
end;
$$;


create or replace function private.settle_abandoned_answers(
  p_user_id uuid,
  p_session_id uuid default null,
  p_message_id uuid default null,
  p_status text default 'error',
  p_code text default 'interrupted',
  p_error text default 'The answer was interrupted before it finished; regenerate to try again'
)
returns setof uuid
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_user_id is null then
    raise exception 'settle_abandoned_answers: user id is required' using errcode = '22004';
  end if;
  return query
  with abandoned as (
    select m.id, m.session_id, m.provider, m.model, t.payer_id, t.prompt_id, t.prompt_version, t.prompt_tokens,
           t.input_pico_per_token, t.output_pico_per_token, t.touch_credential, t.api_key_id
      from public.messages m
      left join private.chat_turns t on t.message_id = m.id
     where m.user_id = p_user_id and m.status = 'streaming'
       and (p_session_id is null or m.session_id = p_session_id)
       and (p_message_id is null or m.id = p_message_id)
       and (t.message_id is null or t.lease_expires_at < clock_timestamp())
       for update of m skip locked
  ), saved as (
    select a.id,
           coalesce(string_agg(c.content, '' order by c.first_seq), '') as content,
           coalesce(string_agg(c.reasoning, '' order by c.first_seq), '') as reasoning,
           (select array_agg(u order by c2.first_seq, o)
              from private.message_chunks c2, unnest(c2.units) with ordinality as x(u, o)
             where c2.message_id = a.id) as units
      from abandoned a
      left join private.message_chunks c on c.message_id = a.id
     group by a.id
  ), settled as (
    update public.messages m
       set status = p_status, error_code = p_code,
           error = case when p_status = 'error' then p_error else null end,
           content = s.content, reasoning = s.reasoning, stream_units = s.units
      from saved s
     where m.id = s.id
    returning m.id
  ), counted as (
    select a.*, coalesce(a.prompt_tokens, 0) as prompt_n,
           (ceil(octet_length(s.content) / 4.0) + ceil(octet_length(s.reasoning) / 4.0))::int as completion_n
      from settled d
      join abandoned a on a.id = d.id
      join saved s on s.id = d.id
     where a.payer_id is not null
  ), logged as (
    insert into public.prompt_usage_logs
      (user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
       prompt_tokens, completion_tokens, token_count, error_code, cost_usd, tokens_estimated, api_key_id)
    select k.payer_id, p.id, case when k.prompt_id is null then null else k.prompt_version end, k.session_id, k.id,
           k.provider, k.model, case when p_status = 'stopped' then 'stopped' else 'error' end,
           k.prompt_n, k.completion_n, k.prompt_n + k.completion_n, p_code,
           case when k.input_pico_per_token is not null and k.output_pico_per_token is not null
                then (k.prompt_n * k.input_pico_per_token + k.completion_n * k.output_pico_per_token)::numeric / 1000000000000 end,
           true, k.api_key_id
      from counted k
      left join public.prompts p on p.id = k.prompt_id and (p.is_public or p.user_id = k.payer_id)
  ), touched as (
    update public.api_credentials c set last_used_at = now()
      from counted k
     where k.touch_credential and c.user_id = k.payer_id and c.provider = k.provider
  ), dropped_turns as (
    delete from private.chat_turns t using settled s where t.message_id = s.id
  ), dropped_chunks as (
    delete from private.message_chunks c using settled s where c.message_id = s.id
  )
  select id from settled;
end;
$$;


drop function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean);
create function private.finish_turn(
  p_message_id uuid,
  p_user_id uuid,
  p_session_id uuid,
  p_content text,
  p_reasoning text,
  p_units int[],
  p_status text,
  p_error_code text,
  p_error text,
  p_reasoning_ms int,
  p_prompt_tokens int,
  p_completion_tokens int,
  p_cached_tokens int,
  p_ttft_ms int,
  p_latency_ms int,
  p_provider_message_id text,
  p_log_id uuid,
  p_payer_id uuid,
  p_prompt_id uuid,
  p_prompt_version int,
  p_provider text,
  p_model text,
  p_cost_usd numeric,
  p_touch_credential boolean,
  p_tokens_estimated boolean default false,
  p_api_key_id uuid default null
)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_kept boolean;
begin
  -- A premature settle (the lease lapsed while the database was away) is overwritten: the
  -- caller has the whole answer, the checkpoints only part of it.
  update public.messages
     set content = p_content, reasoning = p_reasoning, stream_units = p_units,
         status = p_status, error_code = p_error_code, error = p_error,
         reasoning_ms = p_reasoning_ms,
         token_count = p_completion_tokens, prompt_tokens = p_prompt_tokens, completion_tokens = p_completion_tokens,
         ttft_ms = p_ttft_ms, latency_ms = p_latency_ms,
         provider_message_id = p_provider_message_id
   where id = p_message_id and user_id = p_user_id
     and (status = 'streaming' or error_code = 'interrupted');
  v_kept := found;

  delete from private.message_chunks where message_id = p_message_id;
  delete from private.chat_turns where message_id = p_message_id and user_id = p_user_id;
  delete from public.prompt_usage_logs where message_id = p_message_id;

  -- Logged (and its cost counted) for whoever's key paid; the session and message are the
  -- owner's rows, linked for the payer too (they can read them as a member).
  insert into public.prompt_usage_logs
    (id, user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
     ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code, cached_tokens, cost_usd,
     tokens_estimated, api_key_id)
  select p_log_id, p_payer_id, p.id, case when p_prompt_id is null then null else p_prompt_version end, s.id,
         m.id, p_provider, p_model, case when p_status = 'complete' then 'success' else p_status end,
         p_ttft_ms, p_latency_ms, p_prompt_tokens, p_completion_tokens,
         p_prompt_tokens + p_completion_tokens, p_error_code, p_cached_tokens, p_cost_usd,
         coalesce(p_tokens_estimated, false), p_api_key_id
    from (select 1) one
    left join public.prompts p on p.id = p_prompt_id and (p.is_public or p.user_id = p_payer_id)
    left join public.chat_sessions s on s.id = p_session_id and s.user_id = p_user_id
    left join public.messages m on m.id = p_message_id and m.user_id = p_user_id;

  if p_touch_credential then
    update public.api_credentials set last_used_at = now() where user_id = p_payer_id and provider = p_provider;
  end if;
  return v_kept;
end;
$$;


-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Only rows that name a key pay for the check: a web turn's log skips it.
create trigger prompt_usage_logs_check_api_key
  before insert or update of api_key_id, user_id on public.prompt_usage_logs
  for each row when (new.api_key_id is not null)
  execute function private.check_usage_api_key();

create trigger api_keys_stamp_revocation
  before update of revoked_at on public.api_keys
  for each row when (old.revoked_at is distinct from new.revoked_at)
  execute function private.stamp_api_key_revocation();

create trigger projects_keep_usage
  before delete on public.projects
  for each row execute function private.keep_usage_of_deleted_project();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Users list their keys with the revocation time, and revoke by setting it; no more deletes
-- (a deleted key's calls would lose their key).
revoke delete on public.api_keys from authenticated;
grant select (revoked_at) on public.api_keys to authenticated;
grant update (revoked_at) on public.api_keys to authenticated;

revoke all on function private.check_usage_api_key() from public, anon, authenticated, service_role;
revoke all on function private.stamp_api_key_revocation() from public, anon, authenticated, service_role;
revoke all on function private.keep_usage_of_deleted_project() from public, anon, authenticated, service_role;
revoke all on function private.authenticate_api_key(bytea, text[]) from public, anon, authenticated, service_role;
revoke all on function private.create_api_key(uuid, text, text, bytea, text[], timestamptz) from public, anon, authenticated, service_role;
revoke all on function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision, uuid, uuid, int, int, bigint, bigint, boolean, uuid)
  from public, anon, authenticated, service_role;
revoke all on function private.settle_abandoned_answers(uuid, uuid, uuid, text, text, text)
  from public, anon, authenticated, service_role;
revoke all on function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean, uuid)
  from public, anon, authenticated, service_role;
