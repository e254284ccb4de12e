-- Group chats: a member or viewer no longer learns everyone's email address.
--
-- session_participants gave every participant the email of the owner and of every other
-- member, so anyone invited (a viewer too) could collect the addresses of everyone in the
-- chat through the API or the Data API — while message authors are shown by display name,
-- never by email. The owner, who invited people by email, still sees them all; everyone else
-- sees names and roles, and only their own address.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: everyone in a group chat sees who else is in it (names on messages, the people list);
-- emails only to the owner (and each person their own). Owners and members only; returns
-- nothing to anyone else.
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
  )
  select a.owner_id, p.display_name, case when a.caller_owns then u.email::text end, 'owner'
    from allowed a join public.profiles p on p.id = a.owner_id join auth.users u on u.id = a.owner_id
  union all
  select m.user_id, p.display_name, case when a.caller_owns or m.user_id = a.caller_id then u.email::text end, m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps session_participants' grants (authenticated only).
