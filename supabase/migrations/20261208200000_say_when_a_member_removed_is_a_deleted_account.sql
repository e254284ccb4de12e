-- `member_removed` says when the person went because their account was deleted
-- (`reason: 'account_deleted'`), not because they left or were removed. The open views of the
-- others mark what a deleted account wrote "Former member" at once — as a page read shows it once
-- the deletion has set their messages' author to null — while a member who left or was removed
-- keeps their name (their account stays). Before, only the owner's deletion could be told apart
-- (the chat changes hands); a plain member's looked like leaving until the next reload.
--
-- How it is known, without anything the deleting transaction must remember: a member row goes with
-- its account by the cascade of session_members.user_id, which runs after the auth.users row is
-- deleted, so the account is no longer there to read when bump_session_channel_epoch runs —
-- whichever way the account goes (DELETE /api/me, the Auth admin API, the dashboard). A member who
-- leaves or is removed still has theirs. The departing owner of a chat handed over is read by the
-- hand-over before their row goes, so for them the hand-over recorded in this transaction
-- (private.chat_handovers, 20261208040000_hand_over_group_chats_of_deleted_accounts.sql) says it.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: as in 20261208040000_hand_over_group_chats_of_deleted_accounts.sql, and the signal says
-- when the person went with their account. Caller holds no lock: this takes the chat's row lock.
create or replace function private.move_session_channel(p_session_id uuid, p_removed_user_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_old_epoch int;
  v_new_epoch int;
  v_account_deleted boolean;
begin
  select s.channel_epoch into v_old_epoch from public.chat_sessions s where s.id = p_session_id for update;
  if not found then
    return;
  end if;
  v_new_epoch := case when v_old_epoch >= 999999999 then 1 else v_old_epoch + 1 end;
  update public.chat_sessions s set channel_epoch = v_new_epoch where s.id = p_session_id;
  v_account_deleted :=
    not exists (select 1 from auth.users u where u.id = p_removed_user_id)
    or exists (
      select 1 from private.chat_handovers h
       where h.session_id = p_session_id and h.from_user_id = p_removed_user_id and h.xact = pg_current_xact_id()
    );
  perform realtime.send(
    jsonb_build_object('user_id', p_removed_user_id, 'channel_epoch', v_new_epoch)
      || case when v_account_deleted then jsonb_build_object('reason', 'account_deleted') else '{}'::jsonb end,
    'member_removed',
    'session:' || p_session_id::text || case when v_old_epoch > 0 then ':' || v_old_epoch::text else '' end,
    true);
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.move_session_channel(uuid, uuid) from public, anon, authenticated, service_role;
