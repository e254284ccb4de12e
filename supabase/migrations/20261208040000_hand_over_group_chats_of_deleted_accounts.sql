-- A group chat outlives its owner's account: deleting the account hands each chat that still has
-- other people in it to the longest-standing of them, instead of deleting everything they wrote.
-- Done in the database, on auth.users itself, so it holds however the account goes: DELETE
-- /api/me (private.delete_account), the Auth admin API, or the hosted dashboard, which deletes the
-- auth.users row directly (https://supabase.com/docs/guides/auth/managing-user-data#deleting-users).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: which chats were handed over, from whom and to whom. In the transaction that hands a
-- chat over it also tells bump_session_channel_epoch that the heir's member row goes because
-- they now own the chat — not because they were removed (no `member_removed` naming them).
create table private.chat_handovers (
  session_id uuid primary key references public.chat_sessions (id) on delete cascade,
  -- No foreign key: the account is being deleted.
  from_user_id uuid not null,
  to_user_id uuid not null references auth.users (id) on delete cascade,
  xact xid8 not null default pg_current_xact_id(),
  handed_at timestamptz not null default now()
);

-- ============================================================================
-- INDEXES
-- ============================================================================

create index chat_handovers_to_user_id_idx on private.chat_handovers (to_user_id);

-- ============================================================================
-- CONSTRAINTS
-- ============================================================================

-- A chat's members name its owner (session_members.owner_id, so the policies need no join):
-- when the chat changes hands, their rows follow it.
alter table public.session_members drop constraint session_members_session_id_owner_id_fkey;
alter table public.session_members add constraint session_members_session_id_owner_id_fkey
  foreign key (session_id, owner_id) references public.chat_sessions (id, user_id) on update cascade on delete cascade;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: who inherits a chat, in one place for the hand-over and for the account page's warning
-- (public.my_account_deletion_impact): the longest-standing participant, people who may post
-- before viewers; none when nobody else is in it (the chat is deleted with the account).
create or replace function private.chat_heir(p_session_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  -- Joined to auth.users: an account deleted earlier in the same statement keeps its member
  -- rows until the statement's cascades run, and is nobody's heir.
  select m.user_id from public.session_members m
    join auth.users u on u.id = m.user_id
   where m.session_id = p_session_id
   order by (m.role = 'member') desc, m.created_at, m.user_id
   limit 1;
$$;

-- Why: a chat's channel moves to a new epoch when someone leaves it, and the old topic is told
-- who left (20261207190000_name_values_in_session_signals.sql); a hand-over moves it for the
-- departing owner the same way. Caller holds no lock: this takes the chat's row lock.
create or replace function private.move_session_channel(p_session_id uuid, p_removed_user_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_old_epoch int;
  v_new_epoch int;
begin
  select s.channel_epoch into v_old_epoch from public.chat_sessions s where s.id = p_session_id for update;
  if not found then
    return;
  end if;
  v_new_epoch := case when v_old_epoch >= 999999999 then 1 else v_old_epoch + 1 end;
  update public.chat_sessions s set channel_epoch = v_new_epoch where s.id = p_session_id;
  perform realtime.send(
    jsonb_build_object('user_id', p_removed_user_id, 'channel_epoch', v_new_epoch),
    'member_removed',
    'session:' || p_session_id::text || case when v_old_epoch > 0 then ':' || v_old_epoch::text else '' end,
    true);
end;
$$;

-- Why security definer: a member who leaves may not update the owner's chat, yet their leaving
-- must move the channel like a removal does. The heir's member row, removed by a hand-over in
-- this transaction, is no removal: they are still in the chat, as its owner.
create or replace function private.bump_session_channel_epoch()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (
    select 1 from private.chat_handovers h
     where h.session_id = old.session_id and h.to_user_id = old.user_id and h.xact = pg_current_xact_id()
  ) then
    return null;
  end if;
  perform private.move_session_channel(old.session_id, old.user_id);
  return null;
end;
$$;

-- Why: the hand-over itself, before the account's rows cascade away. For each chat the account
-- owns that has someone else in it, the heir (private.chat_heir) becomes its owner:
--   * the chat leaves the old owner's project (theirs, deleted with them), and the old owner's
--     key no longer answers members (share_owner_key off: the heir never agreed to pay);
--   * the heir's member row goes (their pins and archive stay, now an owner's), the other
--     members' rows follow the chat (on update cascade above), and invitations the old owner
--     sent are withdrawn;
--   * the chat's messages, the sources of its answers and its turns become the heir's rows (the
--     chat owner's, as everywhere): the cascade would otherwise delete them. Who wrote each stays
--     in author_id, which the cascade sets to null for the old owner's: "Former member";
--   * the heir's counters take the chat and its messages, past their quota if need be (a
--     deletion is never refused for it: they cannot add more until they are under it again);
--   * the channel moves as for a member who left, so open views stop following it for the old
--     owner and read the people again, and each participant's chat list is read again.
-- Their share links (session_shares.user_id) and usage still go with the account.
create or replace function private.hand_over_group_chats()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_session uuid;
  v_heir uuid;
  v_mark public.session_marks%rowtype;
  v_messages bigint;
  v_person uuid;
begin
  for v_session in
    select s.id from public.chat_sessions s
     where s.user_id = old.id
       and exists (select 1 from public.session_members m where m.session_id = s.id)
     order by s.id
       for update
  loop
    v_heir := private.chat_heir(v_session);
    continue when v_heir is null;
    insert into private.chat_handovers as h (session_id, from_user_id, to_user_id) values (v_session, old.id, v_heir)
      on conflict (session_id) do update
        set from_user_id = excluded.from_user_id, to_user_id = excluded.to_user_id, xact = excluded.xact, handed_at = excluded.handed_at;
    delete from public.session_invitations i where i.session_id = v_session;
    -- The mark names the heir's member row; kept aside while that row goes.
    select * into v_mark from public.session_marks k where k.session_id = v_session and k.user_id = v_heir;
    delete from public.session_members m where m.session_id = v_session and m.user_id = v_heir;
    perform private.move_session_channel(v_session, old.id);
    update public.chat_sessions s set user_id = v_heir, project_id = null, share_owner_key = false where s.id = v_session;
    -- An author deleted earlier in the same statement (whose set-null has not run yet) is no
    -- author any more: the row is rewritten here, so its foreign keys are checked again.
    update public.messages m set user_id = v_heir, author_id = (select u.id from auth.users u where u.id = m.author_id)
     where m.session_id = v_session;
    get diagnostics v_messages = row_count;
    update public.answer_sources a set user_id = v_heir
     where a.user_id = old.id and a.message_id in (select m.id from public.messages m where m.session_id = v_session);
    update private.chat_turns t set user_id = v_heir, payer_id = (select u.id from auth.users u where u.id = t.payer_id)
     where t.session_id = v_session and t.user_id = old.id;
    if v_mark.session_id is not null then
      -- member_id is set by the mark's trigger: null, for the chat's owner.
      insert into public.session_marks (user_id, session_id, pinned_at, archived_at)
        values (v_heir, v_session, v_mark.pinned_at, v_mark.archived_at);
    end if;
    insert into private.user_row_counts as c (user_id, chat_sessions, messages) values (v_heir, 1, v_messages)
      on conflict (user_id) do update set chat_sessions = c.chat_sessions + 1, messages = c.messages + excluded.messages;
    update private.user_row_counts c
       set chat_sessions = greatest(c.chat_sessions - 1, 0), messages = greatest(c.messages - v_messages, 0)
     where c.user_id = old.id;
    for v_person in select m.user_id from public.session_members m where m.session_id = v_session loop
      perform realtime.send('{}'::jsonb, 'memberships_changed', 'user:' || v_person::text, true);
    end loop;
  end loop;
  return old;
end;
$$;

-- Why: what deleting the caller's account does to other people, for the confirmation dialog
-- (GET /api/me/deletion-impact): each group chat handed over (to whom, and how many people are
-- in it), each share link that stops working, and each public prompt that goes (with how many
-- other people forked it: their forks stay). Security definer to see who inherits and other
-- people's forks; it names only people in the caller's own chats, whom they can read anyway.
create or replace function public.my_account_deletion_impact()
returns table (kind text, id uuid, title text, heir_id uuid, heir_name text, people int)
language sql
stable
security definer
set search_path = ''
as $$
  with me as (
    select (select auth.uid()) as uid
     where (select public.session_is_live()) and (select public.meets_mfa_requirement())
  )
  select 'group_chat', s.id, s.title, h.heir, p.display_name,
         (select count(*)::int from public.session_members m where m.session_id = s.id)
    from me
    join public.chat_sessions s on s.user_id = me.uid
    cross join lateral (select private.chat_heir(s.id) as heir) h
    left join public.profiles p on p.id = h.heir
   where h.heir is not null
  union all
  select 'share_link', s.id, s.title, null, null, null
    from me
    join public.session_shares sh on sh.user_id = me.uid
    join public.chat_sessions s on s.id = sh.session_id
  union all
  select 'public_prompt', pr.id, pr.title, null, null,
         (select count(*)::int from public.prompts f where f.forked_from = pr.id and f.user_id <> me.uid)
    from me
    join public.prompts pr on pr.user_id = me.uid and pr.is_public
  order by 1, 3, 2;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Before the row goes: the cascades that follow would delete the chats and their messages.
create trigger on_auth_user_deleted_hand_over_group_chats
  before delete on auth.users
  for each row execute function private.hand_over_group_chats();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on private.chat_handovers from public, anon, authenticated, service_role;
revoke all on function private.chat_heir(uuid) from public, anon, authenticated, service_role;
revoke all on function private.move_session_channel(uuid, uuid) from public, anon, authenticated, service_role;
revoke all on function private.bump_session_channel_epoch() from public, anon, authenticated, service_role;
revoke all on function private.hand_over_group_chats() from public, anon, authenticated, service_role;
revoke all on function public.my_account_deletion_impact() from public, anon;
grant execute on function public.my_account_deletion_impact() to authenticated;
