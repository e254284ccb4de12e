-- Two follow-ups to handing group chats over (20261208040000_hand_over_group_chats_of_deleted_accounts.sql).
--
-- 1. A chat handed over when its owner's account is deleted gives the heir the owner's place, but
-- not the email addresses the people in it gave the old owner: each of them accepted an
-- invitation sent to their address by that owner, never by the heir. So an owner sees the
-- address of a member only if the member joined while that owner owned the chat.
--
-- "Joined while they owned it" is the member row's created_at after the chat's last hand-over
-- (private.chat_handovers keeps one row per chat, the latest). This holds for every way someone
-- joins: a member row is only ever created by accept_session_invitation, whose transaction starts
-- after the invitation it accepts was sent; invitations the old owner sent are withdrawn by the
-- hand-over; and no API role may write created_at (authenticated updates `role` only).
-- Someone who leaves and accepts the new owner's invitation has a new row, and the new owner
-- sees the address they invited.
--
-- 2. The hand-over made the members' link to their chat (session_members (session_id, owner_id))
-- follow a change of the chat's key (on update cascade), so an owner could change the id of a
-- chat with people in it through the Data API, and the memberships went along. Nothing in the app
-- changes a chat's id: authenticated may now update every column of a chat but `id`.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: everyone in a group chat sees who else is in it (names on messages, the people list);
-- each person sees their own email, and the owner sees the emails of the people who joined
-- at their invitation (after the chat was handed to them, if it was). Owners and members with
-- a live session that meets the MFA requirement only; returns nothing to anyone else. Unchanged
-- otherwise from 20261203214659_require_aal2_for_all_user_data.sql.
create or replace function public.session_participants(p_session_id uuid)
returns table (user_id uuid, display_name text, email text, role text)
language sql
stable
security definer
set search_path = ''
as $$
  with caller as (select (select auth.uid()) as id),
  allowed as (
    select s.id, s.user_id as owner_id, s.user_id = caller.id as caller_owns, caller.id as caller_id,
           (select h.handed_at from private.chat_handovers h where h.session_id = s.id) as handed_at
      from public.chat_sessions s, caller
     where s.id = p_session_id
       and (s.user_id = caller.id
            or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = caller.id))
       and (select public.session_is_live())
       and (select public.meets_mfa_requirement())
  )
  select a.owner_id, p.display_name, case when a.caller_owns then u.email::text end, 'owner'
    from allowed a join public.profiles p on p.id = a.owner_id join auth.users u on u.id = a.owner_id
  union all
  select m.user_id, p.display_name,
         case when m.user_id = a.caller_id
                or (a.caller_owns and (a.handed_at is null or m.created_at > a.handed_at))
              then u.email::text end,
         m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Column privileges replace the table-wide update: a column added later is not updatable by
-- authenticated until granted here too (tests/db/chat-sessions.test.ts checks that every column
-- but id is).
revoke update on public.chat_sessions from authenticated;
grant update (user_id, project_id, title, metadata, last_message_at, created_at, updated_at, share_owner_key,
              active_leaf_id, channel_epoch, title_version)
  on public.chat_sessions to authenticated;
