-- A message's place in its conversation tree, so that the messages after one on the branch
-- shown (a search hit thousands of messages back: GET /sessions/{id}/messages?around=) are
-- found with a few key lookups from the active leaf instead of a walk up every message
-- between the leaf and the hit (security review 6 #1: ~100k lookups for a hit at the start
-- of a 100k-message chat, 0.6–1 s each, and 32 at once held up other users' reads for 7 s).
--
-- branch_depth: the number of ancestors (0 for a first message).
-- branch_jump_id: an ancestor further up — a skew-binary jump pointer (E. W. Myers, "An
-- applicative random-access stack", 1983): from any message, the ancestor at any depth is
-- reached in O(log depth) steps, each step either the jump or the parent, and each message's
-- jump is set from its parent's in O(1) when it is written. A first message jumps to itself.
-- lib/chat/branch-window.ts climbs from the active leaf to the depth it needs; the rows
-- around it are then read by the same parent walk the pages use.

-- ============================================================================
-- COLUMNS
-- ============================================================================

alter table public.messages
  add column branch_depth integer not null default 0,
  add column branch_jump_id uuid;

-- ============================================================================
-- BACKFILL
-- ============================================================================

-- Existing messages' depths (their jumps below, once the rule exists). Triggers are off meanwhile:
-- this is not an edit of the messages (no updated_at, no signals).
alter table public.messages disable trigger user;

-- One key lookup of the replies per message (messages_session_id_parent_id_created_at_id_idx):
-- a hash or merge join would read the whole table again at each level of the walk.
set enable_hashjoin = off;
set enable_mergejoin = off;
with recursive tree as (
  select m.session_id, m.id, 0 as depth from public.messages m where m.parent_id is null
  union all
  select c.session_id, c.id, t.depth + 1 from tree t
    join public.messages c on c.session_id = t.session_id and c.parent_id = t.id
)
update public.messages m set branch_depth = t.depth
  from tree t where m.session_id = t.session_id and m.id = t.id;
reset enable_hashjoin;
reset enable_mergejoin;

alter table public.messages enable trigger user;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The jump pointer of a message whose parent is p_parent_id (Myers' rule): the parent's
-- jump's jump when the parent's jump spans as many levels as that jump's own, else the parent.
-- Security definer: reads two rows of the message's own session, whoever writes it.
create or replace function private.message_jump(p_session_id uuid, p_id uuid, p_parent_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_parent public.messages%rowtype;
  v_jump public.messages%rowtype;
  v_jump2_depth integer;
begin
  if p_parent_id is null then
    return p_id;
  end if;
  select * into v_parent from public.messages m where m.session_id = p_session_id and m.id = p_parent_id;
  select * into v_jump from public.messages m where m.session_id = p_session_id and m.id = v_parent.branch_jump_id;
  select m.branch_depth into v_jump2_depth from public.messages m where m.session_id = p_session_id and m.id = v_jump.branch_jump_id;
  if v_parent.branch_depth - v_jump.branch_depth = v_jump.branch_depth - v_jump2_depth then
    return v_jump.branch_jump_id;
  end if;
  return v_parent.id;
end;
$$;

revoke all on function private.message_jump(uuid, uuid, uuid) from public, anon, authenticated, service_role;

-- The backfill of the jumps, now that the rule exists (parents first, so each parent's jump
-- is already set when its replies read it).
alter table public.messages disable trigger user;
do $$
declare
  r record;
begin
  for r in select m.session_id, m.id, m.parent_id from public.messages m order by m.branch_depth loop
    update public.messages m set branch_jump_id = private.message_jump(r.session_id, r.id, r.parent_id)
     where m.session_id = r.session_id and m.id = r.id;
  end loop;
end;
$$;
alter table public.messages enable trigger user;

-- Why: every new message gets its depth and jump from its parent (written before it — in the
-- same statement too, as an import's or a fork's rows are, parents first). Runs after
-- messages_default_parent (triggers fire in name order), which may have chosen the parent.
create or replace function private.place_message_in_tree()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_depth integer;
begin
  if new.parent_id is null then
    new.branch_depth := 0;
  else
    select m.branch_depth + 1 into v_depth from public.messages m where m.session_id = new.session_id and m.id = new.parent_id;
    if v_depth is null then
      -- As the foreign key would say (at the end of the statement), and earlier: the parent
      -- must also be written before its reply, as every writer does (in one statement too).
      raise exception 'insert or update on table "messages" violates foreign key constraint "messages_parent_in_session_fkey"'
        using errcode = '23503', constraint = 'messages_parent_in_session_fkey',
              detail = 'The parent must be a message of the same session, written before its reply.';
    end if;
    new.branch_depth := v_depth;
  end if;
  new.branch_jump_id := private.message_jump(new.session_id, new.id, new.parent_id);
  return new;
end;
$$;

revoke all on function private.place_message_in_tree() from public, anon, authenticated, service_role;

create trigger messages_place_in_tree
  before insert on public.messages
  for each row execute function private.place_message_in_tree();

-- Why: the depth and jump hold only while a message keeps its parent. Nothing moves a message
-- (authenticated may not update messages at all); this keeps it so for every writer.
create or replace function private.refuse_message_moves()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- A message its own parent is refused by messages_parent_id_not_self, which says so.
  if new.parent_id = new.id then
    return new;
  end if;
  if new.parent_id is distinct from old.parent_id
     or new.branch_depth is distinct from old.branch_depth
     or new.branch_jump_id is distinct from old.branch_jump_id then
    raise exception 'messages: a message keeps its place in the conversation' using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke all on function private.refuse_message_moves() from public, anon, authenticated, service_role;

create trigger messages_keep_place_in_tree
  before update of parent_id, branch_depth, branch_jump_id on public.messages
  for each row execute function private.refuse_message_moves();
