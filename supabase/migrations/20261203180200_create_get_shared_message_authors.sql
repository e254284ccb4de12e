-- Shared links of group chats say who asked each question.
--
-- A group chat's questions come from several people, yet its public page (GET /shared/{token},
-- /s/<token>) showed them all alike. get_shared_message_authors names the author of each
-- question of a shared group chat — the display name only, never an address or a user id —
-- for the messages the link shows. A chat nobody else ever wrote in or joined names nobody
-- (its owner's name was never on their public links, and is not now).

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
  with link as (
    select sh.session_id, sh.live, sh.shared_at, s.user_id as owner_id
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
  )
  select m.id, p.display_name
    from grouped g
    join public.messages m on m.session_id = g.session_id and m.id = any((p_message_ids)[1:100])
    left join public.profiles p on p.id = m.author_id
   where m.sender = 'user' and m.status <> 'streaming' and (g.live or m.created_at <= g.shared_at);
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.get_shared_message_authors(text, uuid[]) from public;
grant execute on function public.get_shared_message_authors(text, uuid[]) to anon, authenticated;
