-- get_shared_messages: a page's cursor must be a message of the branch the link shows.
--
-- A shared link shows one branch of a chat (private.shared_leaf). Its pages walked parent links
-- from the parent of p_before_id, the oldest message of the previous page — but any message
-- of the chat was taken as that cursor, so whoever held the link and the id of a message on
-- another branch (an answer regenerated away, a question edited before sharing) read that
-- branch, which the owner never shared; `anon` calls the function through the Data API
-- (`POST /rest/v1/rpc/get_shared_messages`) as the API does. Now every page walks from the
-- shown leaf and starts after the cursor: a cursor off the branch finds nothing. The price is a
-- walk from the leaf down to the page (one primary-key lookup per message), instead of from
-- the cursor. Everything else is as in 20261201022708_add_message_branches.sql.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: a page of a shared chat's branch, newest first, walking parent links from the leaf the
-- link shows; with p_before_id (the oldest message of the previous page), the messages after it
-- on that walk — none when it is not on the branch. Finished messages only; snapshot links stop
-- at the moment of sharing. At most 100 rows per call. p_before_created_at is kept for callers
-- of the earlier signature and not needed.
create or replace function public.get_shared_messages(
  p_token text,
  p_before_created_at timestamptz default null,
  p_before_id uuid default null,
  p_limit int default 50
)
returns table (id uuid, sender text, content text, status text, provider text, model text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  with recursive link as (
    select sh.session_id, sh.live, sh.shared_at,
           private.shared_leaf(sh.session_id, sh.live, sh.shared_at, sh.leaf_id) as leaf_id
      from public.session_shares sh
     where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'))
  ), branch as (
    -- paged: the row is older than the cursor (every row, without one); k: paged rows so far.
    select m.id, m.parent_id, m.session_id, m.sender, m.content, m.status, m.provider, m.model, m.created_at,
           1 as n, p_before_id is null as paged, case when p_before_id is null then 1 else 0 end as k
      from link l join public.messages m on m.session_id = l.session_id and m.id = l.leaf_id
    union all
    select p.id, p.parent_id, p.session_id, p.sender, p.content, p.status, p.provider, p.model, p.created_at,
           b.n + 1, b.paged or b.id = p_before_id, b.k + case when b.paged or b.id = p_before_id then 1 else 0 end
      from branch b join public.messages p on p.session_id = b.session_id and p.id = b.parent_id
     -- One more than the page: a running answer at the leaf is left out below.
     where b.k <= least(greatest(coalesce(p_limit, 50), 1), 100)
  )
  select b.id, b.sender, b.content, b.status, b.provider, b.model, b.created_at
    from branch b, link l
   where b.paged and b.status <> 'streaming' and (l.live or b.created_at <= l.shared_at)
   order by b.n
   limit least(greatest(coalesce(p_limit, 50), 1), 100);
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps its grants (anon and authenticated).
