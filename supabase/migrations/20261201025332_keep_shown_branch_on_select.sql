-- Choosing a message that is already on the branch shown keeps that branch (a search hit on
-- an earlier message of the conversation one is reading must not jump to another reply of
-- it); a message off the branch still selects the newest message beneath it.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: switching branches (see 20261201022708_add_message_branches.sql). The walk up from the
-- active leaf stops at messages older than the chosen one (a parent is always written before
-- its replies), so it reads only the part of the branch below the chosen message.
create or replace function public.select_branch(p_session_id uuid, p_message_id uuid)
returns uuid
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_target public.messages%rowtype;
  v_leaf uuid;
begin
  select * into v_target from public.messages m where m.session_id = p_session_id and m.id = p_message_id;
  if v_target.id is null then
    return null;
  end if;
  -- Already shown: the active leaf is the message or descends from it. Only the owner (who
  -- may update the session) gets an answer, as for a switch.
  with recursive up as (
    select m.id, m.parent_id, m.created_at
      from public.chat_sessions s join public.messages m on m.session_id = s.id and m.id = s.active_leaf_id
     where s.id = p_session_id
    union all
    select p.id, p.parent_id, p.created_at
      from up join public.messages p on p.session_id = p_session_id and p.id = up.parent_id
     where up.id <> v_target.id and p.created_at >= v_target.created_at
  )
  select s.active_leaf_id into v_leaf
    from public.chat_sessions s
   where s.id = p_session_id and exists (select 1 from up where up.id = v_target.id)
   for update of s;
  if v_leaf is not null then
    return v_leaf;
  end if;
  with recursive below as (
    select v_target.id as id, v_target.created_at as created_at
    union all
    select c.id, c.created_at from below b join public.messages c on c.session_id = p_session_id and c.parent_id = b.id
  )
  select b.id into v_leaf from below b order by b.created_at desc, b.id desc limit 1;
  update public.chat_sessions s set active_leaf_id = v_leaf where s.id = p_session_id returning s.active_leaf_id into v_leaf;
  return v_leaf;
end;
$$;
