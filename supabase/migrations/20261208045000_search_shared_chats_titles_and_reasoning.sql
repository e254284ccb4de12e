-- Search finds what the caller can read, not only what they own (QA7 #2, #3): the messages of
-- group chats they are a member or viewer of, an answer's reasoning, and chats by their title.
--
-- Messages. The index entry of a message (20261204213000) held its words and `u <user id>` —
-- user_id is the chat's owner on every row of the chat, whoever wrote it (write_turn_rows) —
-- so a search could be scoped to the caller's own chats inside the index, and a member's search
-- found nothing of the group chats they read every day. Each entry now also names its chat,
-- `s <session id>`, and the search asks for the caller's own chats or any of their group chats
-- (public.my_group_chat_ids(), what the members' read policy allows): one index probe per group
-- chat, however many messages the owner has elsewhere. A member who leaves, or is removed, has
-- no membership row, so nothing of that chat is found; the API still reads the rows the index
-- names through the policies, as the caller.
--
-- An answer's reasoning (a reasoning model's thinking) joins the words of the entry: a search
-- finds a message by what it said or what it thought; the API tells which one its snippet is
-- from. Only finished messages are indexed, as before (issue 9): a streaming row's text is
-- neither final nor written while it streams.
--
-- Building it: the expression changes, so the index is built again, as 20261204213000 did; the
-- build holds writes to messages until it ends (CREATE INDEX in the migration's transaction).
-- Measured on 100,000 finished messages (30–300 words each, one in ten with 2–6 kB of reasoning;
-- 115 MB of text and reasoning) on 2 shared cores at load average ~15: this file took 39.0 s,
-- building the previous index (text only) 39.1 s just before it; under more load a rebuild took
-- 90 s, about 1.7× a text-only build run then (54 s). Most of it is parsing, so it grows with the
-- text: reasoning adds its share. maintenance_work_mem (64 MB or 256 MB) made no difference. The
-- index is 62 MB (the previous one, grown by inserts, 73 MB).
--
-- Chats by title: a small GIN index on each chat's title words and `u <owner id>`, read the
-- same way (public.search_chat_ids), so a chat found by its name is found among thousands.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- What messages_search_idx holds for a message: the words of its text and of its reasoning
-- ('simple' configuration: chats are in any language; the reasoning's positions follow the
-- text's, so a phrase never spans the two), its chat's owner `u <user id>` and its chat
-- `s <session id>` — entries with a space, which no word of a text can hold.
create or replace function public.message_search_vector(p_session_id uuid, p_user_id uuid, p_content text, p_reasoning text)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select to_tsvector('simple'::regconfig, p_content)
      || to_tsvector('simple'::regconfig, coalesce(p_reasoning, ''))
      || array_to_tsvector(array['u ' || p_user_id::text, 's ' || p_session_id::text])
$$;

comment on function public.message_search_vector(uuid, uuid, text, text) is
  'What messages_search_idx indexes for a message: the words of its text and reasoning (simple configuration), its chat''s owner as `u <user id>` and its chat as `s <session id>`.';

-- The part of a query that scopes it to what the caller may read: their own chats, or one of
-- the group chats they are a member or viewer of. Null when nothing is readable (signed out,
-- a signed-out session, aal1 where aal2 is needed).
create or replace function private.readable_chats_query()
returns tsquery
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  groups text;
begin
  if uid is null or not (select public.session_checks_pass()) then
    return null;
  end if;
  select string_agg(format('%L', 's ' || g::text), ' | ') into groups from public.my_group_chat_ids() g;
  return (format('%L', 'u ' || uid::text) || coalesce(' | ' || groups, ''))::tsquery;
end;
$$;

-- The ids of the newest `p_limit` finished messages the caller can read that match `p_query`,
-- newest first, older than (p_before, p_before_id) when given. As before, callers pass a query
-- the index answers without reading the text (no phrase) and check the real one on these rows;
-- sequential scans are off inside (the planner counts parsing a text as cheap and, with GIN's
-- pending list unmerged, chose to parse every row).
drop function public.search_message_ids(tsquery, integer);
create function public.search_message_ids(p_query tsquery, p_limit integer, p_before timestamptz default null, p_before_id uuid default null)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
rows 200
as $$
declare
  scope tsquery;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return;
  end if;
  scope := private.readable_chats_query();
  if scope is null then
    return;
  end if;
  return query
    select m.id
      from public.messages m
     where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
       and m.status <> 'streaming'
       and (p_before is null or p_before_id is null or (m.created_at, m.id) < (p_before, p_before_id))
     order by m.created_at desc, m.id desc
     limit p_limit;
end;
$$;

comment on function public.search_message_ids(tsquery, integer, timestamptz, uuid) is
  'The ids of the newest finished messages the caller can read (own and group chats) matching a full-text query (simple configuration), newest first.';

-- How many finished messages the caller can read match `p_query` (the index's answer, as
-- search_message_ids's), counted up to p_cap.
create or replace function public.count_message_matches(p_query tsquery, p_cap integer)
returns integer
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
as $$
declare
  scope tsquery;
  n integer;
begin
  if p_cap is null or p_cap < 1 or p_cap > 10000 then
    raise exception 'p_cap must be between 1 and 10000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return 0;
  end if;
  scope := private.readable_chats_query();
  if scope is null then
    return 0;
  end if;
  select count(*) into n from (
    select 1 from public.messages m
     where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
       and m.status <> 'streaming'
     limit p_cap) c;
  return n;
end;
$$;

comment on function public.count_message_matches(tsquery, integer) is
  'How many finished messages the caller can read match a full-text query, counted up to p_cap.';

-- What chat_sessions_title_search_idx holds for a chat: its title's words and its owner.
create or replace function public.chat_title_search_vector(p_user_id uuid, p_title text)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select to_tsvector('simple'::regconfig, p_title) || array_to_tsvector(array['u ' || p_user_id::text])
$$;

comment on function public.chat_title_search_vector(uuid, text) is
  'What chat_sessions_title_search_idx indexes for a chat: its title''s words (simple configuration) and its owner as `u <user id>`.';

-- The ids of the chats the caller can read whose title matches `p_query` (any query: a title
-- is short, so phrases are checked here), most recently active first: their own through the
-- index, and the group chats they are in (few) by their key.
create or replace function public.search_chat_ids(p_query tsquery, p_limit integer)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
rows 20
as $$
declare
  uid uuid := (select auth.uid());
begin
  if p_limit is null or p_limit < 1 or p_limit > 100 then
    raise exception 'p_limit must be between 1 and 100' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 or uid is null or not (select public.session_checks_pass()) then
    return;
  end if;
  return query
    select s.id from (
      select s.id, s.last_message_at
        from public.chat_sessions s
       where public.chat_title_search_vector(s.user_id, s.title) @@ (p_query && format('%L', 'u ' || uid::text)::tsquery)
         and to_tsvector('simple'::regconfig, s.title) @@ p_query
      union all
      select s.id, s.last_message_at
        from public.chat_sessions s
       where s.id in (select public.my_group_chat_ids())
         and to_tsvector('simple'::regconfig, s.title) @@ p_query
    ) s
     order by s.last_message_at desc, s.id desc
     limit p_limit;
end;
$$;

comment on function public.search_chat_ids(tsquery, integer) is
  'The ids of the chats the caller can read (own and group chats) whose title matches a full-text query, most recently active first.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Finished messages only, as before; queries repeat the expression and the predicate.
drop index public.messages_search_idx;
create index messages_search_idx on public.messages
  using gin (public.message_search_vector(session_id, user_id, content, reasoning))
  where status <> 'streaming';

drop function public.message_search_vector(uuid, text);

create index chat_sessions_title_search_idx on public.chat_sessions
  using gin (public.chat_title_search_vector(user_id, title));

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Whoever may write a message or a chat computes its index entry.
revoke all on function public.message_search_vector(uuid, uuid, text, text) from public;
grant execute on function public.message_search_vector(uuid, uuid, text, text) to authenticated, service_role;
revoke all on function public.chat_title_search_vector(uuid, text) from public;
grant execute on function public.chat_title_search_vector(uuid, text) to authenticated, service_role;

revoke all on function private.readable_chats_query() from public;

-- Signed-in callers only (the schema's default privileges would give anon execute too).
revoke all on function public.search_message_ids(tsquery, integer, timestamptz, uuid) from public, anon;
grant execute on function public.search_message_ids(tsquery, integer, timestamptz, uuid) to authenticated, service_role;
revoke all on function public.count_message_matches(tsquery, integer) from public, anon;
grant execute on function public.count_message_matches(tsquery, integer) to authenticated, service_role;
revoke all on function public.search_chat_ids(tsquery, integer) from public, anon;
grant execute on function public.search_chat_ids(tsquery, integer) to authenticated, service_role;
