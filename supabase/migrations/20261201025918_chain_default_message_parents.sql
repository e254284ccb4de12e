-- A message written without a parent follows the last message written to its session in the
-- same transaction, before the session's active leaf: in a multi-row INSERT the leaf moves only
-- after the statement (an AFTER trigger), so until now every row of one statement defaulted to
-- the same parent and became siblings instead of a thread.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: see 20261201022708_add_message_branches.sql. Each message written records itself as
-- its session's newest in a transaction-local setting (`mrprompt.last_<session hex>`), which
-- the next parentless row of that session in the transaction follows; the active leaf (then
-- the newest message) otherwise. `mrprompt.root_message` still names a new first message.
create or replace function private.default_message_parent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_key text := 'mrprompt.last_' || replace(new.session_id::text, '-', '');
  v_last text := nullif(current_setting(v_key, true), '');
begin
  if new.parent_id is null and new.id::text is distinct from current_setting('mrprompt.root_message', true) then
    if v_last is not null and exists (select 1 from public.messages m where m.session_id = new.session_id and m.id = v_last::uuid) then
      new.parent_id := v_last::uuid;
    else
      select coalesce(s.active_leaf_id,
                      (select m.id from public.messages m where m.session_id = s.id order by m.created_at desc, m.id desc limit 1))
        into new.parent_id
        from public.chat_sessions s where s.id = new.session_id;
    end if;
  end if;
  perform set_config(v_key, new.id::text, true);
  return new;
end;
$$;
