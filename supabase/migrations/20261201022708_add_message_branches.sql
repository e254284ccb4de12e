-- Conversations as trees. Every message names the message it answers or follows
-- (parent_id); edit-and-resend adds a sibling of the edited question and regenerate a
-- sibling of the answer, so nothing a user typed or paid for is deleted. Each session
-- remembers the leaf of the branch it shows (active_leaf_id); the history, the model's
-- context, share links and forks all follow that branch: the path from the leaf to the root.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why a composite key: the parent must be a message of the same session, which a foreign
-- key on (session_id, parent_id) enforces by itself (a plain parent_id → id key would not).
-- Deleting a message deletes the branch beneath it.
alter table public.messages add constraint messages_session_id_id_key unique (session_id, id);
alter table public.messages add column parent_id uuid;
alter table public.messages
  add constraint messages_parent_in_session_fkey
  foreign key (session_id, parent_id) references public.messages (session_id, id) on delete cascade,
  add constraint messages_parent_id_not_self check (parent_id <> id);

-- Why: which branch the session shows (and continues). Null means "the newest message".
-- Kept a message of the same session by the foreign key; deleting that message clears it.
alter table public.chat_sessions add column active_leaf_id uuid;
alter table public.chat_sessions
  add constraint chat_sessions_active_leaf_in_session_fkey
  foreign key (id, active_leaf_id) references public.messages (session_id, id) on delete set null (active_leaf_id);

-- Why: a snapshot link shows the branch that was active when it was made, even after the
-- owner switches branches. Null for live links (they follow active_leaf_id) and for links
-- made before branches existed.
alter table public.session_shares add column leaf_id uuid;
alter table public.session_shares
  add constraint session_shares_leaf_in_session_fkey
  foreign key (session_id, leaf_id) references public.messages (session_id, id) on delete set null (leaf_id);

-- Existing chats are linear: each message follows the one written before it in its session,
-- and the newest message is the active leaf. Snapshot links keep showing what they showed.
update public.messages m
   set parent_id = o.prev
  from (select id, lag(id) over (partition by session_id order by created_at, id) as prev from public.messages) o
 where o.id = m.id and o.prev is not null;
update public.chat_sessions s
   set active_leaf_id = (select m.id from public.messages m where m.session_id = s.id order by m.created_at desc, m.id desc limit 1);
update public.session_shares sh
   set leaf_id = (select m.id from public.messages m
                   where m.session_id = sh.session_id and m.created_at <= sh.shared_at
                   order by m.created_at desc, m.id desc limit 1)
 where not sh.live;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- A message's siblings (the children of its parent, or the session's roots) in the order
-- they were written: the ‹ 2/3 › counts, the previous/next sibling, and the walk down to a
-- branch's newest leaf. Also covers the parent foreign key.
create index messages_session_id_parent_id_created_at_id_idx
  on public.messages (session_id, parent_id, created_at, id);
-- Cover the foreign keys that name a leaf (lookups when a message is deleted).
create index chat_sessions_active_leaf_id_id_idx on public.chat_sessions (active_leaf_id, id);
create index session_shares_session_id_leaf_id_idx on public.session_shares (session_id, leaf_id);

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- A new message becomes the session's active leaf (a turn writes the question, then the
-- answer under it; a fork writes its copy root first), and the sidebar order follows it.
-- Security definer as before: writers get nothing more on chat_sessions.
create or replace function private.touch_session_last_message_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.chat_sessions s
     set last_message_at = greatest(s.last_message_at, new.created_at),
         active_leaf_id = new.id
   where s.id = new.session_id;
  return null;
end;
$$;

-- A message written without a parent follows the session's active leaf (the newest message
-- when none is set), so writers that know nothing of branches (scripts with the service role,
-- older code paths) keep a conversation linear. A writer that means a new first message (an
-- edit of the first question) names it in the transaction setting `mrprompt.root_message`.
-- Security definer, like the other message triggers: it reads only the session's leaf.
create or replace function private.default_message_parent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.parent_id is null and new.id::text is distinct from current_setting('mrprompt.root_message', true) then
    select coalesce(s.active_leaf_id,
                    (select m.id from public.messages m where m.session_id = s.id order by m.created_at desc, m.id desc limit 1))
      into new.parent_id
      from public.chat_sessions s where s.id = new.session_id;
  end if;
  return new;
end;
$$;

revoke all on function private.default_message_parent() from public, anon, authenticated, service_role;

create trigger messages_default_parent
  before insert on public.messages
  for each row execute function private.default_message_parent();

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: switching branches. Chooses the newest message beneath p_message_id (itself when it
-- has no replies: the newest descendant is always a leaf) as the session's active leaf and
-- returns it. Security invoker: the caller's RLS decides which messages exist and whether
-- they may change the session (its owner); null when they may not or it is not there.
create or replace function public.select_branch(p_session_id uuid, p_message_id uuid)
returns uuid
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_leaf uuid;
begin
  with recursive below as (
    select m.id, m.created_at from public.messages m where m.session_id = p_session_id and m.id = p_message_id
    union all
    select c.id, c.created_at from below b join public.messages c on c.session_id = p_session_id and c.parent_id = b.id
  )
  select b.id into v_leaf from below b order by b.created_at desc, b.id desc limit 1;
  if v_leaf is null then
    return null;
  end if;
  update public.chat_sessions s set active_leaf_id = v_leaf where s.id = p_session_id returning s.active_leaf_id into v_leaf;
  return v_leaf;
end;
$$;

-- Share links record the active leaf of a snapshot (the rest as before).
create or replace function public.share_session(p_session_id uuid, p_live boolean default false)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_token text;
  v_leaf uuid;
begin
  if v_user is null then
    raise exception 'share_session: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_user) then
    raise exception 'share_session: no such session' using errcode = 'P0002';
  end if;
  select coalesce(s.active_leaf_id,
                  (select m.id from public.messages m where m.session_id = s.id order by m.created_at desc, m.id desc limit 1))
    into v_leaf from public.chat_sessions s where s.id = p_session_id;
  v_token := rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  insert into public.session_shares (session_id, user_id, token_hash, live, shared_at, leaf_id)
  values (p_session_id, v_user, sha256(convert_to(v_token, 'UTF8')), coalesce(p_live, false), clock_timestamp(),
          case when coalesce(p_live, false) then null else v_leaf end)
  on conflict (session_id) do update
    set token_hash = excluded.token_hash, live = excluded.live, shared_at = excluded.shared_at, leaf_id = excluded.leaf_id;
  return v_token;
end;
$$;

-- Why: the leaf of the branch a link shows (snapshot: the one active when shared; live: the
-- session's active leaf; either falls back to the newest message the link may show).
create or replace function private.shared_leaf(p_session_id uuid, p_live boolean, p_shared_at timestamptz, p_leaf_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce(
    case when p_live then (select s.active_leaf_id from public.chat_sessions s where s.id = p_session_id) else p_leaf_id end,
    (select m.id from public.messages m
      where m.session_id = p_session_id and (p_live or m.created_at <= p_shared_at)
      order by m.created_at desc, m.id desc limit 1));
$$;

-- Why: a page of a shared chat's branch, newest first, by walking parent links from the leaf
-- (or from the parent of p_before_id, the oldest message of the previous page): one primary
-- key lookup per message, so constant cost at any depth. Finished messages only; snapshot
-- links stop at the moment of sharing. At most 100 rows per call. p_before_created_at is
-- kept for callers of the earlier signature and no longer needed.
create or replace function public.get_shared_messages(
  p_token text,
  p_before_created_at timestamptz default null,
  p_before_id uuid default null,
  p_limit int default 50
)
returns table (id uuid, sender text, content text, status text, provider text, model text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  with recursive link as (
    select sh.session_id, sh.live, sh.shared_at,
           case when p_before_id is null then private.shared_leaf(sh.session_id, sh.live, sh.shared_at, sh.leaf_id)
                else (select b.parent_id from public.messages b where b.session_id = sh.session_id and b.id = p_before_id) end as start_id
      from public.session_shares sh
     where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'))
  ), branch as (
    select m.id, m.parent_id, m.session_id, m.sender, m.content, m.status, m.provider, m.model, m.created_at, 1 as n
      from link l join public.messages m on m.session_id = l.session_id and m.id = l.start_id
    union all
    select p.id, p.parent_id, p.session_id, p.sender, p.content, p.status, p.provider, p.model, p.created_at, b.n + 1
      from branch b join public.messages p on p.session_id = b.session_id and p.id = b.parent_id
     -- One more than the page: a running answer at the leaf is left out below.
     where b.n <= least(greatest(coalesce(p_limit, 50), 1), 100)
  )
  select b.id, b.sender, b.content, b.status, b.provider, b.model, b.created_at
    from branch b, link l
   where b.status <> 'streaming' and (l.live or b.created_at <= l.shared_at)
   order by b.n
   limit least(greatest(coalesce(p_limit, 50), 1), 100);
$$;

-- Why: copy one branch of a conversation into a new session of the caller: the path from
-- the root to p_upto_message_id (default: the source's active leaf, or the leaf the link
-- shows), finished messages only, with parent links preserved in the copy. The source is one
-- of the caller's own sessions (p_token null; any message of it may be the end) or a shared
-- one (p_token given; only a message of the branch the link shows).
create or replace function public.fork_session(p_session_id uuid, p_token text, p_upto_message_id uuid default null)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_source public.chat_sessions%rowtype;
  v_share public.session_shares%rowtype;
  v_cutoff timestamptz := 'infinity';
  v_leaf uuid;
  v_end uuid;
  v_new uuid;
begin
  if v_user is null then
    raise exception 'fork_session: sign in first' using errcode = '42501';
  end if;
  if p_token is null then
    select * into v_source from public.chat_sessions s where s.id = p_session_id and s.user_id = v_user;
    v_leaf := coalesce(v_source.active_leaf_id,
      (select m.id from public.messages m where m.session_id = v_source.id order by m.created_at desc, m.id desc limit 1));
  else
    select * into v_share from public.session_shares sh where sh.token_hash = sha256(convert_to(p_token, 'UTF8'));
    select * into v_source from public.chat_sessions s where s.id = v_share.session_id;
    if not v_share.live then
      v_cutoff := v_share.shared_at;
    end if;
    v_leaf := private.shared_leaf(v_share.session_id, v_share.live, v_share.shared_at, v_share.leaf_id);
  end if;
  if v_source.id is null then
    raise exception 'fork_session: no such session' using errcode = 'P0002';
  end if;

  v_end := coalesce(p_upto_message_id, v_leaf);
  if p_upto_message_id is not null then
    -- A shared chat reveals only its branch; one's own chat any message.
    if not exists (
      with recursive shown as (
        select m.id, m.parent_id from public.messages m where m.session_id = v_source.id and m.id = case when p_token is null then p_upto_message_id else v_leaf end
        union all
        select p.id, p.parent_id from shown s join public.messages p on p.session_id = v_source.id and p.id = s.parent_id
      )
      select 1 from shown s join public.messages m on m.id = s.id
       where s.id = p_upto_message_id and m.status <> 'streaming' and m.created_at <= v_cutoff
    ) then
      raise exception 'fork_session: no such message in this chat' using errcode = 'P0002';
    end if;
  end if;

  insert into public.chat_sessions (user_id, project_id, title, metadata)
  values (
    v_user,
    case when v_source.user_id = v_user then v_source.project_id end,
    left(v_source.title || ' (fork)', 200),
    -- Only the model choice travels: the rest may name the owner's private prompts.
    jsonb_strip_nulls(jsonb_build_object('provider', v_source.metadata -> 'provider', 'model', v_source.metadata -> 'model'))
  )
  returning id into v_new;

  -- Root first; clock_timestamp() per row keeps the order, and each copy's parent is the copy
  -- of the message before it on the branch. The last copy becomes the new session's leaf.
  insert into public.messages (id, session_id, user_id, sender, content, status, error, provider, model, token_count, parent_id, created_at)
  with recursive chain as (
    select m.id, m.parent_id, m.sender, m.content, m.status, m.error, m.provider, m.model, m.token_count, m.created_at, 1 as n
      from public.messages m where m.session_id = v_source.id and m.id = v_end
    union all
    select p.id, p.parent_id, p.sender, p.content, p.status, p.error, p.provider, p.model, p.token_count, p.created_at, c.n + 1
      from chain c join public.messages p on p.session_id = v_source.id and p.id = c.parent_id
  ), kept as materialized (
    select c.*, gen_random_uuid() as new_id from chain c where c.status <> 'streaming' and c.created_at <= v_cutoff
  )
  select k.new_id, v_new, v_user, k.sender, k.content, k.status, k.error, k.provider, k.model, k.token_count,
         lag(k.new_id) over (order by k.n desc), clock_timestamp()
    from kept k
   order by k.n desc;
  return v_new;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.select_branch(uuid, uuid) from public, anon;
grant execute on function public.select_branch(uuid, uuid) to authenticated;
revoke all on function private.shared_leaf(uuid, boolean, timestamptz, uuid) from public, anon, authenticated, service_role;
