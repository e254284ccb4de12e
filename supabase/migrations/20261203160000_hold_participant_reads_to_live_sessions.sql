-- Signed-out sessions, the read side of the RPCs: session_participants and
-- message_author_names run as their definer, past RLS, so the restrictive policies of
-- 20261203152000_refuse_signed_out_sessions.sql do not hold them, and a signed-out token could
-- still read who is in a chat (names, and for its owner emails) through the Data API. Each now
-- answers only while the caller's session is live (public.session_is_live()); otherwise, as for
-- anyone outside the chat, nothing. The bodies are otherwise unchanged.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: everyone in a group chat sees who else is in it (names on messages, the people list);
-- emails only to the owner (and each person their own). Owners and members with a live
-- session only; returns nothing to anyone else.
create or replace function public.session_participants(p_session_id uuid)
returns table (user_id uuid, display_name text, email text, role text)
language sql
stable
security definer
set search_path = ''
as $$
  with caller as (select (select auth.uid()) as id),
  allowed as (
    select s.id, s.user_id as owner_id, s.user_id = caller.id as caller_owns, caller.id as caller_id
      from public.chat_sessions s, caller
     where s.id = p_session_id
       and (s.user_id = caller.id
            or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = caller.id))
       and (select public.session_is_live())
  )
  select a.owner_id, p.display_name, case when a.caller_owns then u.email::text end, 'owner'
    from allowed a join public.profiles p on p.id = a.owner_id join auth.users u on u.id = a.owner_id
  union all
  select m.user_id, p.display_name, case when a.caller_owns or m.user_id = a.caller_id then u.email::text end, m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- Why: the display names of a chat's authors, for its owner and members with a live session.
create or replace function public.message_author_names(p_session_id uuid, p_user_ids uuid[])
returns table (user_id uuid, display_name text)
language sql
stable
security definer
set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any(p_user_ids)
     and exists (
       select 1 from public.chat_sessions s
        where s.id = p_session_id
          and (s.user_id = (select auth.uid())
               or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid())))
     )
     and (select public.session_is_live())
     and (
       exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p.id)
       or exists (select 1 from public.session_members m where m.session_id = p_session_id and m.user_id = p.id)
       or exists (select 1 from public.messages msg where msg.author_id = p.id and msg.session_id = p_session_id)
     );
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps both functions' grants (authenticated only).
