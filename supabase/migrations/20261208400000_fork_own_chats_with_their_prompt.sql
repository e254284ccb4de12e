-- "Fork from here" on one's own chat gave a new chat without the chat's system prompt (the
-- library prompt a chat keeps, chat_sessions.metadata.prompt: its id, and the label or version
-- it follows), so the fork quietly answered differently from the chat it was copied from. A
-- fork of one's own chat now keeps it. A fork of someone else's chat (a group chat one is in,
-- or a share link) still does not: the prompt may be the owner's private one, which the fork's
-- owner cannot read, and a chat's prompt travels with no values either way.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261203212549_give_fork_refusals_sqlstates.sql, with the prompt of one's own chat.
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
    -- The model choice travels; the chat's prompt only from one's own chat (someone else's may
    -- be private to them), as it is kept (its null label or version included).
    jsonb_strip_nulls(jsonb_build_object('provider', v_source.metadata -> 'provider', 'model', v_source.metadata -> 'model'))
      || case when v_source.user_id = v_user and jsonb_typeof(v_source.metadata -> 'prompt') = 'object'
              then jsonb_build_object('prompt', v_source.metadata -> 'prompt') else '{}'::jsonb end
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
