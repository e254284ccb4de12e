-- Group chats: forks and invitations are rate-limited in the database.
--
-- fork_session copies a whole branch of a chat into a new session, and invite_session_member
-- records an invitation that shows up in the invitee's app; both are callable by any signed-in
-- user through the Data API (`POST /rest/v1/rpc/...`) as well as through the API, and neither
-- had a rate limit — only a quota of 50,000 sessions per user
-- (20261203195200_count_rpc_inserts_in_row_quotas.sql) and 100 pending invitations per chat,
-- which a script spread over many chats. Each now takes a token from the caller's bucket
-- (private.consume_rate_limit, the project's token buckets: 20261122140100_create_private_schema.sql)
-- and refuses when it is empty, with its own SQLSTATE and the seconds to wait in DETAIL, which
-- the API answers as 429 with Retry-After (lib/db-errors.ts). Refusals for other reasons take
-- nothing (the transaction rolls back).
--
--   bucket        capacity  refill                 refusal
--   invitations   50        1 a minute             MRG06  API 429 rate_limited
--   forks         20        1 every 30 seconds     MRF01  API 429 rate_limited
--
-- A Data API caller gets HTTP 400 with the code in `code`; PostgREST answers 429 only for a
-- code it knows, and it has none for this (https://supabase.com/docs/guides/api/rest/postgrest-error-codes).

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: one way to spend a token of the caller's bucket from a definer RPC, or refuse with the
-- RPC's code and the whole seconds until a token is back (DETAIL), so callers need no parsing.
create or replace function private.take_rate_limit_token(
  p_user_id uuid,
  p_bucket text,
  p_capacity int,
  p_refill_per_second double precision,
  p_errcode text,
  p_message text
)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_limit record;
begin
  select * into v_limit from private.consume_rate_limit(p_user_id, p_bucket, p_capacity, p_refill_per_second);
  if not v_limit.allowed then
    raise exception '%', p_message
      using errcode = p_errcode, detail = v_limit.retry_after_seconds::text,
            hint = format('Try again in %s s.', v_limit.retry_after_seconds);
  end if;
end;
$$;

-- Why: invite by address (20261203205734_give_invitation_refusals_sqlstates.sql); an
-- invitation that is recorded (new, or a changed role) now takes a token of `invitations`.
create or replace function public.invite_session_member(p_session_id uuid, p_email text, p_role text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_owner uuid := (select auth.uid());
  v_email text := lower(btrim(p_email));
  v_id uuid;
begin
  if v_owner is null then
    raise exception 'invite_session_member: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_owner) then
    raise exception 'invite_session_member: no such session' using errcode = 'MRG01';
  end if;
  if exists (select 1 from auth.users u where u.id = v_owner and lower(u.email) = v_email) then
    raise exception 'invite_session_member: you own this chat already' using errcode = 'MRG02';
  end if;
  if exists (
    select 1 from public.session_members m join auth.users u on u.id = m.user_id
     where m.session_id = p_session_id and lower(u.email) = v_email
  ) then
    raise exception 'invite_session_member: already in this chat' using errcode = 'MRG03';
  end if;
  if (select count(*) from public.session_invitations i where i.session_id = p_session_id and i.email <> v_email) >= 100 then
    raise exception 'invite_session_member: too many pending invitations' using errcode = 'MRG04';
  end if;
  perform private.take_rate_limit_token(v_owner, 'invitations', 50, 1.0 / 60, 'MRG06', 'invite_session_member: too many invitations');
  insert into public.session_invitations (session_id, owner_id, email, role)
  values (p_session_id, v_owner, v_email, p_role)
  on conflict (session_id, email) do update set role = excluded.role
  returning id into v_id;
  return v_id;
end;
$$;

-- Why: copy one branch of a conversation into a new session of the caller: the path from
-- the root to p_upto_message_id (default: the source's active leaf, or the leaf the link
-- shows), finished messages only, with parent links preserved in the copy. The source is a
-- chat the caller owns or is in (p_token null; any message of it may be the end) or a shared
-- one (p_token given; only a message of the branch the link shows). A fork takes a token of
-- the caller's `forks` bucket; the rest is as in 20261203150200_let_group_participants_fork.sql.
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
    select * into v_source from public.chat_sessions s
     where s.id = p_session_id
       and (s.user_id = v_user
            or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = v_user));
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
    -- A shared chat reveals only its branch; a chat one is in, any message.
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

  perform private.take_rate_limit_token(v_user, 'forks', 20, 1.0 / 30, 'MRF01', 'fork_session: too many forks');

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

revoke all on function private.take_rate_limit_token(uuid, text, int, double precision, text, text) from public, anon, authenticated, service_role;
-- Unchanged: create or replace keeps the RPCs' grants (authenticated only).
