-- Chat turns run on the server: a running answer holds its session's lock and a lease in
-- private.chat_turns, writes append-only checkpoints to private.message_chunks, and is
-- written to public.messages once, when it ends. Message rows, statuses, token counts and
-- usage logs become the function's privileged writes: the API roles may read and delete
-- their own, never forge them (hosted Supabase's Data API reaches `public` with a user's
-- own token, so the database, not the function, has to hold that line).

-- ============================================================================
-- TABLE
-- ============================================================================

-- What a turn keeps apart from the answer text:
-- - reasoning: a reasoning model's thinking (reasoning_content / reasoning deltas);
--   reasoning_ms: how long it thought before answering ("Thought for 12 s").
-- - stream_units: one entry per streamed unit (seq 1..n), its length in characters, negative
--   for a reasoning unit. Re-attaching views replay from any seq with it, exactly.
-- - error_code: the machine-readable reason of an `error` or `stopped` status
--   (`interrupted`, `wall_clock_limit`, `stopped_by_user`, provider codes).
alter table public.messages
  add column reasoning text not null default '' check (char_length(reasoning) <= 200000),
  add column reasoning_ms int check (reasoning_ms >= 0),
  add column stream_units int[] check (cardinality(stream_units) <= 200000),
  add column error_code text check (error_code ~ '^[a-z][a-z0-9_]{0,63}$');

-- Search indexes finished answers only: a streaming row's text is not final (and is no
-- longer written while it streams). Dropping the column drops its GIN index too.
alter table public.messages drop column search;
alter table public.messages
  add column search tsvector generated always as (
    case when status = 'streaming' then null else to_tsvector('simple'::regconfig, content) end
  ) stored;

-- Why: the lock and heartbeat of a running answer, apart from the message row so renewing
-- the lease or asking for a stop never rewrites (or fans out) the message. One row per
-- running answer; unique per session: one running turn per session. The function renews
-- lease_expires_at while its process is alive and the provider keeps sending (any chunk,
-- reasoning included); an expired lease means the process died and the answer is settled
-- from its checkpoints. stop_requested_at is how a stop reaches the process running it.
create table private.chat_turns (
  message_id uuid primary key references public.messages (id) on delete cascade,
  session_id uuid not null unique references public.chat_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  started_at timestamptz not null default clock_timestamp(),
  lease_expires_at timestamptz not null,
  stop_requested_at timestamptz,
  stop_code text check (stop_code ~ '^[a-z][a-z0-9_]{0,63}$')
);

-- Why: the durable partial answer, append-only (a checkpoint at most every ~2 s inserts the
-- units streamed since the last one), so the bytes written grow with the answer rather than
-- its square. Deleted when the answer is written to public.messages at its end.
create table private.message_chunks (
  message_id uuid not null references public.messages (id) on delete cascade,
  first_seq int not null check (first_seq >= 1),
  units int[] not null check (cardinality(units) between 1 and 200000),
  content text not null default '' check (char_length(content) <= 200000),
  reasoning text not null default '' check (char_length(reasoning) <= 200000),
  primary key (message_id, first_seq)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

create index messages_search_idx on public.messages using gin (search);

-- At most one streaming answer per session, also for rows written outside the function.
-- Older answers left streaming by a dead process are settled first so the index can exist.
update public.messages m
   set status = 'error', error_code = 'interrupted',
       error = 'The answer was interrupted before it finished; regenerate to try again'
 where m.status = 'streaming'
   and exists (select 1 from public.messages n
                where n.session_id = m.session_id and n.status = 'streaming'
                  and (n.created_at, n.id) > (m.created_at, m.id));
drop index if exists public.messages_streaming_session_idx;
create unique index messages_one_streaming_per_session_idx
  on public.messages (session_id) where status = 'streaming';

create index chat_turns_user_id_idx on private.chat_turns (user_id);
create index chat_turns_lease_expires_at_idx on private.chat_turns (lease_expires_at);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: only the function's owner connection touches these rows.
alter table private.chat_turns enable row level security;
alter table private.message_chunks enable row level security;

-- Answers, statuses, token counts and timings are written by the function only (privileged,
-- filtered by the verified user id). With their own token users may still add a question
-- (sender `user`, only the columns granted below: never a status, a token count, a time or
-- an answer) to their own session — group members to theirs, by their own policy — and read
-- and delete their messages; they cannot update any.
drop policy "messages: users can add messages to their own sessions" on public.messages;
drop policy "messages: users can update their own messages" on public.messages;

create policy "messages: users can add questions to their own sessions"
  on public.messages for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and sender = 'user'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = session_id and s.user_id = (select auth.uid())
    )
  );
drop policy "prompt_usage_logs: users can log their own usage" on public.prompt_usage_logs;
drop policy "prompt_usage_logs: users can delete their own usage" on public.prompt_usage_logs;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Settles answers whose turn is gone: a streaming row whose lease expired (or that has no
-- turn row at all) lost the process writing it. What its checkpoints hold becomes its
-- content, with `p_status`/`p_code` (error/interrupted when abandoned; stopped/... when a
-- stop finds no live process). Filtered by the verified user id; returns the settled ids.
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
    select m.id
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
  ), dropped_turns as (
    delete from private.chat_turns t using settled s where t.message_id = s.id
  ), dropped_chunks as (
    delete from private.message_chunks c using settled s where c.message_id = s.id
  )
  select id from settled;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on private.chat_turns, private.message_chunks from public, anon, authenticated, service_role;
revoke all on function private.settle_abandoned_answers(uuid, uuid, uuid, text, text, text)
  from public, anon, authenticated, service_role;

-- Users read and delete their own messages (RLS) and may insert a question's text; every
-- other column (status, token counts, timings, reasoning, error) is the function's to write.
-- service_role (an admin key) keeps full access.
revoke insert, update on public.messages from authenticated;
grant insert (session_id, user_id, sender, content) on public.messages to authenticated;
-- Usage logs are the record of what each call cost: read-only for users.
revoke insert, delete on public.prompt_usage_logs from authenticated;
