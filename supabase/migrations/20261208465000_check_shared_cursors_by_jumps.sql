-- Shared chats: whether a page's cursor, or a message whose author is asked for, is on the
-- branch a link shows is decided in a few key lookups, not by walking the whole conversation
-- (security review 14, finding 2).
--
-- Why: 20261203212033_hold_shared_cursor_to_shown_branch.sql walked parent links from the
-- shown leaf down to the cursor, so a cursor not on the branch (any random uuid) walked every
-- message to the first, on every call: an anonymous caller with a link to a long chat (one
-- anyone can make: sign up, import a long chat, share it) bought O(depth) database time per
-- request, through the Data API (`POST /rest/v1/rpc/get_shared_messages`) or
-- GET /api/shared/{token}?before=…; public.get_shared_message_authors walked the same way until
-- it had met every asked id. Paging back through a long shared chat cost O(depth) per page too.
--
-- Now:
-- - private.message_on_branch climbs from the leaf to the message's depth by the jump pointers
--   (branch_depth, branch_jump_id: 20261208060000_index_message_depths.sql), O(log depth) key
--   lookups, and tells whether it arrived at the message;
-- - get_shared_messages answers nothing at once for a cursor off the branch, and otherwise
--   walks from the cursor's parent, one page (as before 20261203212033, at O(page) cost);
-- - get_shared_message_authors checks each asked id (at most 100) that way;
-- - the three shared-chat readers run with `statement_timeout = 2s`, as the search functions
--   do (PostgREST applies a function's statement_timeout to its RPC's transaction).
-- What each returns is unchanged.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: whether p_id is p_leaf_id or one of its ancestors in the session. Each step goes to the
-- jump (when it does not overshoot the message's depth) or to the parent, so the depth falls
-- every step and the climb ends in O(log depth) steps, two key lookups each.
create or replace function private.message_on_branch(p_session_id uuid, p_leaf_id uuid, p_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
  target_depth integer;
  jump_depth integer;
  node record;
begin
  select m.branch_depth into target_depth from public.messages m where m.session_id = p_session_id and m.id = p_id;
  if not found then
    return false;
  end if;
  select m.id, m.parent_id, m.branch_depth, m.branch_jump_id into node
    from public.messages m where m.session_id = p_session_id and m.id = p_leaf_id;
  if not found then
    return false;
  end if;
  while node.branch_depth > target_depth loop
    select m.branch_depth into jump_depth from public.messages m where m.session_id = p_session_id and m.id = node.branch_jump_id;
    select m.id, m.parent_id, m.branch_depth, m.branch_jump_id into node
      from public.messages m
     where m.session_id = p_session_id
       and m.id = case when jump_depth >= target_depth then node.branch_jump_id else node.parent_id end;
    if not found then
      return false;
    end if;
  end loop;
  return node.id = p_id;
end;
$$;

-- Why: a page of a shared chat's branch, newest first: from the leaf the link shows, or with
-- p_before_id (the oldest message of the previous page) the messages before it — none when it
-- is not on that branch. Finished messages only; snapshot links stop at the moment of sharing.
-- At most 100 rows per call. p_before_created_at is kept for callers of the earlier signature
-- and not needed.
create or replace function public.get_shared_messages(
  p_token text,
  p_before_created_at timestamptz default null,
  p_before_id uuid default null,
  p_limit int default 50
)
returns table (id uuid, sender text, content text, status text, provider text, model text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
#variable_conflict use_column
declare
  page_size constant integer := least(greatest(coalesce(p_limit, 50), 1), 100);
  link record;
  start_id uuid;
begin
  select sh.session_id, sh.live, sh.shared_at,
         private.shared_leaf(sh.session_id, sh.live, sh.shared_at, sh.leaf_id) as leaf_id
    into link
    from public.session_shares sh
   where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
  if not found or link.leaf_id is null then
    return;
  end if;
  if p_before_id is null then
    start_id := link.leaf_id;
  elsif private.message_on_branch(link.session_id, link.leaf_id, p_before_id) then
    select m.parent_id into start_id from public.messages m where m.session_id = link.session_id and m.id = p_before_id;
  end if;
  if start_id is null then
    return;
  end if;
  return query
    with recursive branch as (
      select m.id, m.parent_id, m.sender, m.content, m.status, m.provider, m.model, m.created_at, 1 as n
        from public.messages m
       where m.session_id = link.session_id and m.id = start_id
      union all
      -- Each parent by its key (`offset 0` keeps it a lookup): joined plainly, the planner could
      -- hash every message of the chat once per page instead.
      select p.id, p.parent_id, p.sender, p.content, p.status, p.provider, p.model, p.created_at, b.n + 1
        from branch b
        cross join lateral (
          select m.id, m.parent_id, m.sender, m.content, m.status, m.provider, m.model, m.created_at
            from public.messages m
           where m.session_id = link.session_id and m.id = b.parent_id
          offset 0) p
       -- One more than the page: a running answer at the leaf is left out below.
       where b.n <= page_size
    )
    select b.id, b.sender, b.content, b.status, b.provider, b.model, b.created_at
      from branch b
     where b.status <> 'streaming' and (link.live or b.created_at <= link.shared_at)
     order by b.n
     limit page_size;
end;
$$;

-- Why security definer: the link's readers (anon too) may read no profile and no message;
-- the share token is what authorises, as in get_shared_messages. At most 100 ids per call,
-- each checked against the shown branch by private.message_on_branch. author_name is null for
-- a deleted account's question (the app says "Former member"). Otherwise as in
-- 20261203213202_hold_shared_authors_to_shown_branch.sql.
create or replace function public.get_shared_message_authors(p_token text, p_message_ids uuid[])
returns table (message_id uuid, author_name text)
language sql
stable
security definer
set search_path = ''
set statement_timeout = '2s'
as $$
  with link as (
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
  ), asked as materialized (
    -- The asked questions, each by its key (`offset 0` keeps it a lookup, not a hash of every
    -- message of the chat); materialized so that the branch check below runs on these rows only
    -- (left in one query, the planner ran it on every message of the chat).
    select b.id, b.author_id, g.session_id, g.leaf_id
      from grouped g
      cross join (select distinct x from unnest((p_message_ids)[1:100]) x where x is not null) a(id)
      cross join lateral (
        select m.id, m.author_id, m.sender, m.status, m.created_at
          from public.messages m
         where m.session_id = g.session_id and m.id = a.id
        offset 0) b
     where b.sender = 'user' and b.status <> 'streaming' and (g.live or b.created_at <= g.shared_at)
  )
  select a.id, p.display_name
    from asked a
    left join public.profiles p on p.id = a.author_id
   where private.message_on_branch(a.session_id, a.leaf_id, a.id);
$$;

alter function public.get_shared_session(text) set statement_timeout = '2s';

-- ============================================================================
-- GRANTS
-- ============================================================================

-- create or replace keeps the readers' grants (anon and authenticated).
revoke all on function private.message_on_branch(uuid, uuid, uuid) from public, anon, authenticated, service_role;
