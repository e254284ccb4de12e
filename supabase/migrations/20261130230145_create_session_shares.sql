-- session_shares: read-only links to a chat, for anyone holding the link (signed out too),
-- and forks that copy a chat (one's own, or a shared one) into the caller's account.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a share link must reveal one chat and nothing else, must be unguessable, and must stop
-- working the moment its owner revokes it. One link per session: sharing again replaces the
-- token (the old link answers "not found"). Only a SHA-256 of the token is stored, so a
-- database dump does not hand out links. `live` links show messages written after sharing;
-- snapshot links show only what existed at `shared_at`.
create table public.session_shares (
  session_id uuid primary key references public.chat_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  token_hash bytea not null unique check (octet_length(token_hash) = 32),
  live boolean not null default false,
  shared_at timestamptz not null default clock_timestamp()
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the user foreign key and the policies' user_id (token_hash has its unique index).
create index session_shares_user_id_idx on public.session_shares (user_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Owners may see and revoke their links. Nobody writes rows directly: links are made by
-- public.share_session, which draws the token from the database's own random source, so
-- the ≥ 128-bit rule holds whichever client creates a link (the Data API included).
alter table public.session_shares enable row level security;

create policy "session_shares: owners can read their links"
  on public.session_shares for select to authenticated
  using (user_id = (select auth.uid()));

create policy "session_shares: owners can revoke their links"
  on public.session_shares for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: create (or replace) the link of one of the caller's sessions and return its token,
-- once — only its hash is kept. 32 random bytes (256 bits), base64url without padding.
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
begin
  if v_user is null then
    raise exception 'share_session: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_user) then
    raise exception 'share_session: no such session' using errcode = 'P0002';
  end if;
  v_token := rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  insert into public.session_shares (session_id, user_id, token_hash, live, shared_at)
  values (p_session_id, v_user, sha256(convert_to(v_token, 'UTF8')), coalesce(p_live, false), clock_timestamp())
  on conflict (session_id) do update
    set token_hash = excluded.token_hash, live = excluded.live, shared_at = excluded.shared_at;
  return v_token;
end;
$$;

-- Why: the one way to read a shared chat without owning it. Returns the chat's title and
-- link settings, or nothing for an unknown or revoked token. No user id or email leaves.
create or replace function public.get_shared_session(p_token text)
returns table (title text, live boolean, shared_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select s.title, sh.live, sh.shared_at
    from public.session_shares sh
    join public.chat_sessions s on s.id = sh.session_id
   where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
$$;

-- Why: a page of a shared chat's finished messages, newest first (keyset on the messages
-- index: constant cost at any depth). Snapshot links stop at the moment of sharing. At most
-- 100 rows per call.
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
  select m.id, m.sender, m.content, m.status, m.provider, m.model, m.created_at
    from public.session_shares sh
    join public.messages m on m.session_id = sh.session_id
   where sh.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8'))
     and m.status <> 'streaming'
     and (sh.live or m.created_at <= sh.shared_at)
     and (p_before_created_at is null or (m.created_at, m.id) < (p_before_created_at, p_before_id))
   order by m.created_at desc, m.id desc
   limit least(greatest(coalesce(p_limit, 50), 1), 100);
$$;

-- Why: copy a conversation into a new session of the caller, so nothing the caller does in
-- the copy changes the original. Copies finished messages up to and including
-- p_upto_message_id (all of them when null). The source is either one of the caller's own
-- sessions (p_token null) or a shared one (p_token given; only what the link shows).
-- Assistant rows are copied as they are: they are authentic answers, and this function is
-- the only path besides the API's chat turn that writes them.
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
  v_cutoff timestamptz := 'infinity';
  v_upto public.messages%rowtype;
  v_new uuid;
begin
  if v_user is null then
    raise exception 'fork_session: sign in first' using errcode = '42501';
  end if;
  if p_token is null then
    select * into v_source from public.chat_sessions s where s.id = p_session_id and s.user_id = v_user;
  else
    select s.* into v_source
      from public.session_shares sh join public.chat_sessions s on s.id = sh.session_id
     where sh.token_hash = sha256(convert_to(p_token, 'UTF8'));
    select case when sh.live then 'infinity'::timestamptz else sh.shared_at end into v_cutoff
      from public.session_shares sh where sh.session_id = v_source.id;
  end if;
  if v_source.id is null then
    raise exception 'fork_session: no such session' using errcode = 'P0002';
  end if;
  if p_upto_message_id is not null then
    select * into v_upto from public.messages m
     where m.id = p_upto_message_id and m.session_id = v_source.id and m.status <> 'streaming' and m.created_at <= v_cutoff;
    if v_upto.id is null then
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

  -- clock_timestamp() per row keeps the original order in the copy.
  insert into public.messages (session_id, user_id, sender, content, status, error, provider, model, token_count, created_at)
  select v_new, v_user, m.sender, m.content, m.status, m.error, m.provider, m.model, m.token_count, clock_timestamp()
    from public.messages m
   where m.session_id = v_source.id
     and m.status <> 'streaming'
     and m.created_at <= v_cutoff
     and (v_upto.id is null or (m.created_at, m.id) <= (v_upto.created_at, v_upto.id))
   order by m.created_at, m.id;
  return v_new;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.session_shares from anon, authenticated, service_role;
grant select, delete on public.session_shares to authenticated;
grant select, insert, update, delete on public.session_shares to service_role;

revoke all on function public.share_session(uuid, boolean) from public, anon;
grant execute on function public.share_session(uuid, boolean) to authenticated;
revoke all on function public.fork_session(uuid, text, uuid) from public, anon;
grant execute on function public.fork_session(uuid, text, uuid) to authenticated;
-- Reading by link is the point of a link: signed-out visitors included.
revoke all on function public.get_shared_session(text) from public;
grant execute on function public.get_shared_session(text) to anon, authenticated;
revoke all on function public.get_shared_messages(text, timestamptz, uuid, int) from public;
grant execute on function public.get_shared_messages(text, timestamptz, uuid, int) to anon, authenticated;
