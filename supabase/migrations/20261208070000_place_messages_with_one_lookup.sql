-- A new message's place in its conversation tree (branch_depth, branch_jump_id; see
-- 20261208060000) in one statement: the parent, its jump and its jump's jump are read
-- together, by key, their two tree columns only. The first version read the parent in one
-- statement and then, in private.message_jump, the parent and its jump again as whole rows
-- (`select *` into a row variable, which detoasts every column: a long answer's content, its
-- reasoning and its search vector) — on every message written at a turn's start, before the
-- answer's first token is shown.

-- Why: every new message gets its depth and jump from its parent (written before it — in the
-- same statement too, as an import's or a fork's rows are, parents first). Runs after
-- messages_default_parent (triggers fire in name order), which may have chosen the parent.
-- Myers' rule: the jump is the parent's jump's jump when the parent's jump spans as many
-- levels as that jump's own, else the parent (a first message jumps to itself). A parent
-- without a jump (none is written so, but a row copied with the triggers off could be) gives
-- the parent: the climb is then slower, never wrong.
create or replace function private.place_message_in_tree()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_depth integer;
  v_jump uuid;
begin
  if new.parent_id is null then
    new.branch_depth := 0;
    new.branch_jump_id := new.id;
    return new;
  end if;
  select p.branch_depth + 1,
         case when p.branch_depth - j.branch_depth = j.branch_depth - j2.branch_depth then j.branch_jump_id else p.id end
    into v_depth, v_jump
    from public.messages p
    left join public.messages j on j.session_id = p.session_id and j.id = p.branch_jump_id
    left join public.messages j2 on j2.session_id = p.session_id and j2.id = j.branch_jump_id
   where p.session_id = new.session_id and p.id = new.parent_id;
  if v_depth is null then
    -- As the foreign key would say (at the end of the statement), and earlier: the parent
    -- must also be written before its reply, as every writer does (in one statement too).
    raise exception 'insert or update on table "messages" violates foreign key constraint "messages_parent_in_session_fkey"'
      using errcode = '23503', constraint = 'messages_parent_in_session_fkey',
            detail = 'The parent must be a message of the same session, written before its reply.';
  end if;
  new.branch_depth := v_depth;
  new.branch_jump_id := coalesce(v_jump, new.parent_id);
  return new;
end;
$$;

revoke all on function private.place_message_in_tree() from public, anon, authenticated, service_role;

-- The rule now lives in the trigger alone (the backfill that also used it has run).
drop function private.message_jump(uuid, uuid, uuid);
