-- get_shared_message_authors: names only the authors of questions on the branch the link shows.
--
-- Meant "for the messages the link shows" (20261203180200_create_get_shared_message_authors.sql),
-- it named the author of any question of the chat whose id it was given, so whoever held a
-- group chat's link and the id of a question on another branch (one edited before sharing)
-- learnt who asked it — the same hole as get_shared_messages' cursor
-- (20261203212033_hold_shared_cursor_to_shown_branch.sql). It now walks the shown branch from its
-- leaf, as the pages do, until it has met every id asked about (or the root), and answers for
-- those only. Everything else is as before.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the link's readers (anon too) may read no profile and no message;
-- the share token is what authorises, as in get_shared_messages. At most 100 ids per call.
-- author_name is null for a deleted account's question (the app says "Former member").
create or replace function public.get_shared_message_authors(p_token text, p_message_ids uuid[])
returns table (message_id uuid, author_name text)
language sql
stable
security definer
set search_path = ''
as $$
  with recursive asked as (
    select array(select distinct x from unnest((p_message_ids)[1:100]) x where x is not null) as ids
  ), link as (
    select sh.session_id, sh.live, sh.shared_at, s.user_id as owner_id,
           private.shared_leaf(sh.session_id, sh.live, sh.shared_at, sh.leaf_id) as leaf_id
      from public.session_shares sh
      join public.chat_sessions s on s.id = sh.session_id
     where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'))
  ), grouped as (
    select l.* from link l
     where exists (select 1 from public.session_members m where m.session_id = l.session_id)
        or exists (
          select 1 from public.messages x
           where x.session_id = l.session_id and x.sender = 'user' and x.author_id is distinct from l.owner_id
        )
  ), branch as (
    -- met: how many of the asked ids the walk has passed, this row included.
    select m.id, m.parent_id, m.session_id, m.sender, m.status, m.created_at, m.author_id,
           (m.id = any(a.ids))::int as met
      from grouped g cross join asked a join public.messages m on m.session_id = g.session_id and m.id = g.leaf_id
    union all
    select p.id, p.parent_id, p.session_id, p.sender, p.status, p.created_at, p.author_id,
           b.met + (p.id = any(a.ids))::int
      from branch b cross join asked a join public.messages p on p.session_id = b.session_id and p.id = b.parent_id
     where b.met < cardinality(a.ids)
  )
  select b.id, p.display_name
    from grouped g
    join branch b on true
    cross join asked a
    left join public.profiles p on p.id = b.author_id
   where b.id = any(a.ids) and b.sender = 'user' and b.status <> 'streaming' and (g.live or b.created_at <= g.shared_at);
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps its grants.
