-- fork_session: "no such session" and "no such message" have their own SQLSTATEs.
--
-- Both raised P0002, and the API (routes/shares.ts) told a missing message from a missing chat
-- by matching /message/ in the text. As the invitation refusals
-- (20261203205734_give_invitation_refusals_sqlstates.sql), each now has a code of the
-- project's class `MR`, mapped exactly by lib/db-errors.ts:
--
--   MRF01  too many forks (20261203210206_rate_limit_forks_and_invitations.sql)   API 429 rate_limited
--   MRF02  no such session (nor a link), or not one the caller is in            API 404 not_found
--   MRF03  no such message on the branch the caller may copy                       API 404 not_found (Message)
--
-- Everything else is as in 20261203210206_rate_limit_forks_and_invitations.sql.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: copy one branch of a conversation into a new session of the caller: the path from
-- the root to p_upto_message_id (default: the source's active leaf, or the leaf the link
-- shows), finished messages only, with parent links preserved in the copy. The source is a
-- chat the caller owns or is in (p_token null; any message of it may be the end) or a shared
-- one (p_token given; only a message of the branch the link shows). A fork takes a token of
-- the caller's `forks` bucket. Refusals: MRF01 (rate), MRF02 (session), MRF03 (message).
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
    raise exception 'fork_session: no such session' using errcode = 'MRF02';
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
      raise exception 'fork_session: no such message in this chat' using errcode = 'MRF03';
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

-- Unchanged: create or replace keeps fork_session's grants (authenticated only).
