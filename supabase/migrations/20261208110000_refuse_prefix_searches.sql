-- The message, file and chat-title search RPCs take a tsquery from the caller, and any signed-in user
-- may call them through the Data API. A prefix operand (`a:*`) is a partial match in the GIN
-- index: Postgres gathers the entries of every lexeme with that prefix, of every user's messages
-- (`u:*` and `s:*` match the scope entry each message carries), before the caller's scope narrows
-- them, so one call cost grows with the whole deployment (200,000 other people's short messages:
-- 100–330 ms a call). The API never sends one (GET /api/search builds its query with
-- websearch_to_tsquery, which makes neither prefixes nor weights), so these functions now refuse
-- prefix and weight operands (22023) and, like search_prompt_page_ids
-- (20261206090000_bound_prompt_search.sql), run with `statement_timeout = 2s`, which
-- PostgREST applies to the transaction of an RPC that calls them.
--
-- The four functions are as in 20261208045000_search_shared_chats_titles_and_reasoning.sql
-- (search_message_ids, search_chat_ids) and 20261208080000_search_attachment_text.sql
-- (search_message_hits, count_message_matches) but for the refusal and the timeout.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: refuses a query the index can answer only by reading other people's entries: one with a
-- prefix (`:*`) or weight (`:A`…`:D`) operand. In a tsquery's text every lexeme is quoted (a
-- quote inside doubled), so once the lexemes are taken out, a colon can only be such a label.
create or replace function private.refuse_partial_match(p_query tsquery)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if strpos(regexp_replace(p_query::text, $re$'([^']|'')*'$re$, '', 'g'), ':') > 0 then
    raise exception 'Search for whole words: prefix (:*) and weight (:A) operands are not accepted'
      using errcode = '22023';
  end if;
end;
$$;

-- Why: the ids of the newest `p_limit` finished messages the caller can read that match
-- `p_query`, newest first, older than (p_before, p_before_id) when given.
create or replace function public.search_message_ids(p_query tsquery, p_limit integer, p_before timestamptz default null, p_before_id uuid default null)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
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
  perform private.refuse_partial_match(p_query);
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

-- Why: one row per matching text or file of the newest `p_limit` finished messages the caller
-- can read, older than (p_before, p_before_id) when given (GET /api/search's query).
create or replace function public.search_message_hits(p_query tsquery, p_limit integer, p_before timestamptz default null, p_before_id uuid default null)
returns table (message_id uuid, attachment_id uuid)
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
rows 200
as $$
#variable_conflict use_column
declare
  scope tsquery;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return;
  end if;
  perform private.refuse_partial_match(p_query);
  scope := private.readable_chats_query();
  if scope is null then
    return;
  end if;
  return query
    with texts as (
      select m.id, null::uuid as attachment_id, m.created_at
        from public.messages m
       where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
         and m.status <> 'streaming'
         and (p_before is null or p_before_id is null or (m.created_at, m.id) < (p_before, p_before_id))
       order by m.created_at desc, m.id desc
       limit p_limit
    ),
    files as (
      select m.id, a.id as attachment_id, m.created_at
        from public.message_attachments a
        join public.messages m on m.id = a.message_id
       where public.attachment_search_vector(a.session_id, a.owner_id, a.extracted_text) @@ (p_query && scope)
         and a.extracted_text <> ''
         and m.status <> 'streaming'
         and (p_before is null or p_before_id is null or (m.created_at, m.id) < (p_before, p_before_id))
    ),
    newest as (
      select u.id from (select t.id, t.created_at from texts t union select f.id, f.created_at from files f) u
       order by u.created_at desc, u.id desc
       limit p_limit
    )
    select s.id, s.attachment_id
      from (select t.id, t.attachment_id from texts t union all select f.id, f.attachment_id from files f) s
     where s.id in (select n.id from newest n);
end;
$$;

-- Why: how many finished messages the caller can read match `p_query` by their text, their
-- reasoning or a file they carried, counted up to p_cap (a message matching both ways once).
create or replace function public.count_message_matches(p_query tsquery, p_cap integer)
returns integer
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
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
  perform private.refuse_partial_match(p_query);
  scope := private.readable_chats_query();
  if scope is null then
    return 0;
  end if;
  select count(*) into n from (
    (select m.id from public.messages m
      where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
        and m.status <> 'streaming'
      limit p_cap)
    union
    (select a.message_id from public.message_attachments a
       join public.messages m on m.id = a.message_id
      where public.attachment_search_vector(a.session_id, a.owner_id, a.extracted_text) @@ (p_query && scope)
        and a.extracted_text <> ''
        and m.status <> 'streaming'
      limit p_cap)
    limit p_cap) c;
  return n;
end;
$$;

-- Why: the ids of the chats the caller can read whose title matches `p_query`, most recently
-- active first.
create or replace function public.search_chat_ids(p_query tsquery, p_limit integer)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
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
  perform private.refuse_partial_match(p_query);
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

-- ============================================================================
-- GRANTS
-- ============================================================================

-- The four public functions keep theirs (create or replace); the check is theirs only.
revoke all on function private.refuse_partial_match(tsquery) from public, anon, authenticated, service_role;
