-- messages: search indexes the text itself — a GIN index on the expression
-- public.message_search_vector(user_id, content) over finished messages — instead of a stored
-- tsvector column, and the search runs through public.search_message_ids so that it can use it.
--
-- Why not the stored column: the vector was as large as the text it came from (every word's
-- positions; it does not compress, so Postgres keeps it as is), so each finished answer was
-- written out in full a second time — to the heap's TOAST, and to the WAL that backups and
-- replicas carry: 23.7 kB for an answer of 26.8 kB of prose. The index holds the same entries
-- either way (one per distinct word; GIN keeps no positions). What moves is ranking's cost:
-- ts_rank now parses a match's text, so GET /api/search ranks a bounded window of the newest
-- matches (routes/search.ts). Postgres documents both layouts and this trade-off:
-- https://www.postgresql.org/docs/current/textsearch-tables.html#TEXTSEARCH-TABLES-INDEX
--
-- Why a function: under RLS the planner cannot use an index for `@@` (its function is not
-- leakproof, so it must run after the policies, row by row), so the search, run as the caller,
-- found all of the caller's messages (the btree on user_id) and matched them one by one: with
-- the stored vector a read of each vector (13-19 ms for 3,000 messages), on the text a parse
-- of each (300 ms). As search_prompt_page_ids does for prompts, the function finds the ids
-- with the index, as the table's owner, for the caller's own messages only; the API then reads
-- those rows through the policies, as the caller
-- (https://www.postgresql.org/docs/current/ddl-rowsecurity.html).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Dropping the column drops its index (messages_search_idx); the new one takes the name.
alter table public.messages drop column search;

-- Checkpoint rows stay in their heap page, compressed, instead of each moving its text and
-- unit lengths to TOAST. A checkpoint holds ~2 s of an answer (a few kB): compressed it fits
-- the page, where TOAST would add a TOAST row and a TOAST index entry per 2 kB on top of the
-- same bytes. MAIN still moves a value out of line when nothing else makes the row fit
-- (https://www.postgresql.org/docs/current/storage-toast.html).
alter table private.message_chunks
  alter column units set storage main,
  alter column content set storage main,
  alter column reasoning set storage main;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- What the search index holds for a message: its words ('simple' configuration: chats are in
-- any language) and one more entry naming its author, `u <user id>` — a space no word of a
-- text can hold, so no message can name another author. The author's entry is what scopes a
-- search to the caller inside the index: a search for a common word reads the caller's
-- matches, not every user's. (A second index column, with btree_gin, would do the same at
-- ~2.5 bytes more per word of every answer, for the column number each entry then carries.)
create or replace function public.message_search_vector(p_user_id uuid, p_content text)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select to_tsvector('simple'::regconfig, p_content) || array_to_tsvector(array['u ' || p_user_id::text])
$$;

comment on function public.message_search_vector(uuid, text) is
  'What messages_search_idx indexes for a message: its words (simple configuration) and its author as the entry `u <user id>`.';

-- The ids of the caller's newest `p_limit` finished messages that match `p_query`, newest
-- first. The caller's own (the author's entry of message_search_vector), behind the
-- live-session and aal2 checks the policies make; nothing for anyone else. Callers pass a
-- query the index answers without reading the text (no phrase: GET /api/search narrows a
-- phrase to its words first), then check the real query on these rows. A query with no words
-- matches nothing, as `@@` does. Sequential scans are off inside: the planner counts parsing a
-- text as cheap (to_tsvector's cost is fixed, whatever the length), and with GIN's list of
-- entries not yet merged (up to gin_pending_list_limit, 4 MB) it chose to parse every row —
-- 300 ms where the index takes 1–2 ms (3,000 messages of 0.2–2 kB).
create or replace function public.search_message_ids(p_query tsquery, p_limit integer)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
rows 200
as $$
declare
  uid uuid;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return;
  end if;
  if not ((select public.session_is_live()) and (select public.meets_mfa_requirement())) then
    return;
  end if;
  uid := (select auth.uid());
  if uid is null then
    return;
  end if;
  return query
    select m.id
      from public.messages m
     where public.message_search_vector(m.user_id, m.content) @@ (p_query && format('%L', 'u ' || uid::text)::tsquery)
       and m.status <> 'streaming'
     order by m.created_at desc, m.id desc
     limit p_limit;
end;
$$;

comment on function public.search_message_ids(tsquery, integer) is
  'The ids of the caller''s newest finished messages matching a full-text query (simple configuration), newest first.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Finished messages only: a streaming row's text is not final (and is not written while it
-- streams). Queries repeat the expression and the predicate to use it.
create index messages_search_idx on public.messages
  using gin (public.message_search_vector(user_id, content))
  where status <> 'streaming';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Whoever may write a message computes its index entry.
revoke all on function public.message_search_vector(uuid, text) from public;
grant execute on function public.message_search_vector(uuid, text) to authenticated, service_role;

-- Signed-in callers only (the schema's default privileges would give anon execute too).
revoke all on function public.search_message_ids(tsquery, integer) from public, anon;
grant execute on function public.search_message_ids(tsquery, integer) to authenticated, service_role;
