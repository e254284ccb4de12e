-- Shared chats: whether a link's chat is a group chat is answered by a small index, not by
-- reading every message of the chat.
--
-- Why: public.get_shared_message_authors names who asked each question only in a group chat,
-- and decided that a chat is one by `exists (a user message whose author is not the owner)`.
-- No index answered that by session, so for a chat of one person — where no such message
-- exists — it read every message of the chat (3,000 rows for a 3,000-message chat) to learn so,
-- once per page GET /api/shared/{token} shows and on every anonymous
-- `POST /rest/v1/rpc/get_shared_message_authors`.
--
-- Now a partial index holds just the questions someone other than the chat's owner asked
-- (author_id differs from user_id, which is always the owner: private.guard_message_author;
-- a null author_id — an account deleted since, or a row from before authors were kept — counts,
-- as it did). It is empty for chats of one person and small for group chats, so the check is one
-- lookup whatever the chat's length. The function is re-created from its latest body
-- (20261208465000_check_shared_cursors_by_jumps.sql) with only that condition written as the
-- index's predicate; what it returns is unchanged.

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Why: "did anyone but the owner ask in this chat?" in one lookup (get_shared_message_authors).
-- The condition is written `(…) is true` so that the planner estimates it from the statistics
-- below: it reckons `author_id is distinct from user_id` itself, a comparison of two columns, true
-- of nearly every row, and then an EXISTS by a scan of the whole table looked cheaper (it expects
-- to stop at the first row) than this index, which it does not expect to be almost empty.
create index messages_session_id_other_author_idx
  on public.messages (session_id)
  where sender = 'user' and (author_id is distinct from user_id) is true;

-- ============================================================================
-- STATISTICS
-- ============================================================================

-- Why: how rare a question by someone other than the owner is, for the estimate above; ANALYZE
-- (autovacuum's, and the one below) keeps it, from a sample, so it costs the same on any table.
create statistics public.messages_other_author_stats on ((author_id is distinct from user_id)) from public.messages;
analyze public.messages;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: as before (20261208465000), with the group check answered by the index above.
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
          -- A message's user_id is its chat's owner (private.guard_message_author), so this is
          -- "asked by someone other than the owner", in the words of the partial index above.
          select 1 from public.messages x
           where x.session_id = l.session_id and x.sender = 'user' and (x.author_id is distinct from x.user_id) is true
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

-- create or replace keeps the function's grants (anon and authenticated).
