-- A chat's title reaches its open views on a second road.
--
-- An open chat learnt a new title (the model naming a new chat after its first answer, a rename
-- on another device or by another person in a group chat) only from the chat_sessions row's
-- Postgres Changes UPDATE, and hosted Realtime does not promise to deliver those: a view that
-- missed one kept the old title until its channel next rejoined. The database now also says
-- `renamed` on the chat's private channel (session:<id>, or session:<id>:<epoch> once someone
-- was removed) in the transaction that changes the title, with realtime.send ("Broadcast from
-- the database": https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database),
-- whoever changes it (the API, the Data API, the model's title). The message carries no title:
-- a view reads the session when it hears it, so a late message cannot put back an older name.
-- The channel's existing policies decide who receives it (the chat's owner and members).

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: realtime.send writes realtime.messages, which the person renaming may
-- not insert into on that topic themselves.
create or replace function private.signal_session_renamed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    '{}'::jsonb,
    'renamed',
    'session:' || new.id::text || case when new.channel_epoch > 0 then ':' || new.channel_epoch::text else '' end,
    true);
  return null;
end;
$$;

revoke all on function private.signal_session_renamed() from public, anon, authenticated, service_role;

create trigger chat_sessions_signal_renamed
  after update of title on public.chat_sessions
  for each row
  when (old.title is distinct from new.title)
  execute function private.signal_session_renamed();
