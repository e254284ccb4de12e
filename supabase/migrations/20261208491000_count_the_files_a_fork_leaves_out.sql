-- A fork of a group chat, or of a shared chat through its link, copies only the files the
-- forking person attached (20261208430000_fork_with_the_files_of_the_branch.sql says why the
-- others stay out) and left the rest out without a word: the fork's questions simply had fewer
-- chips, and neither the API nor the web app said that anything was missing (QA16 #1, left).
--
-- public.fork_session now also returns how many attachments of the copied branch were left out
-- because someone else attached them (`files_left_out`), beside the new chat's id (`fork_id`).
-- It counts only the branch the fork copies (up to the message asked for, before a snapshot
-- link's moment), and only a number: no name, type or size of another person's file.
--
-- The return type changes (uuid → one row of two columns, declared as a table like the other
-- functions that answer with a row, so the generated types name its columns). `create or
-- replace` cannot do that: the function is dropped and created again, and its grants restated
-- as 20261130230145_create_session_shares.sql gave them (signed-in callers only). The API
-- (routes/shares.ts) reads both columns; nothing else in the schema calls it.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

drop function public.fork_session(uuid, text, uuid);

-- As in 20261208481000_keep_the_total_of_a_cut_file.sql, with the files left out counted. The
-- result's columns are named so that no column the body reads (id, session_id) is shadowed.
create function public.fork_session(p_session_id uuid, p_token text, p_upto_message_id uuid default null)
returns table (fork_id uuid, files_left_out integer)
rows 1
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
  v_kept uuid[];
  v_copies uuid[];
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

  -- The token first: once the bucket is empty nothing below runs, whatever message is named, and
  -- a fork pays for the walk that copies its branch.
  perform private.take_rate_limit_token(v_user, 'forks', 20, 1.0 / 30, 'MRF01', 'fork_session: too many forks');

  v_end := coalesce(p_upto_message_id, v_leaf);
  -- A shared chat reveals only its branch, checked by the jump pointers; a chat one is in, any
  -- of its messages, found by its key. Either way the message must be finished, and a snapshot
  -- link's from before the moment of sharing.
  if p_upto_message_id is not null and not (
    (p_token is null or private.message_on_branch(v_source.id, v_leaf, p_upto_message_id))
    and exists (
      select 1 from public.messages m
       where m.session_id = v_source.id and m.id = p_upto_message_id
         and m.status <> 'streaming' and m.created_at <= v_cutoff
    )
  ) then
    raise exception 'fork_session: no such message in this chat' using errcode = 'MRF03';
  end if;

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

  -- The kept path, root first, and an id for each copy (v_kept[i] is copied as v_copies[i]).
  with recursive chain as (
    select m.id, m.parent_id, m.status, m.created_at, 1 as n
      from public.messages m where m.session_id = v_source.id and m.id = v_end
    union all
    select p.id, p.parent_id, p.status, p.created_at, c.n + 1
      from chain c join public.messages p on p.session_id = v_source.id and p.id = c.parent_id
  )
  select coalesce(array_agg(c.id order by c.n desc), '{}'), coalesce(array_agg(gen_random_uuid()), '{}')
    into v_kept, v_copies
    from chain c where c.status <> 'streaming' and c.created_at <= v_cutoff;

  -- clock_timestamp() per row keeps the order, and each copy's parent is the copy of the
  -- message before it on the branch. The last copy becomes the new session's leaf.
  insert into public.messages (id, session_id, user_id, sender, content, status, error, provider, model, token_count, parent_id, created_at)
  select k.copy_id, v_new, v_user, m.sender, m.content, m.status, m.error, m.provider, m.model, m.token_count,
         lag(k.copy_id) over (order by k.n), clock_timestamp()
    from unnest(v_kept, v_copies) with ordinality as k(id, copy_id, n)
    join public.messages m on m.id = k.id
   order by k.n;

  -- The files the caller attached on the path go with their questions: the same objects, now
  -- named by two rows, so each stays in Storage until its last row goes (the cleanup drain
  -- keeps a path any row still names). Someone else's files stay theirs: deleting their
  -- message or chat must still remove them, which a row in the caller's fork would prevent.
  -- The lock holds off a delete of the source rows until the copies are committed, so a drain
  -- that follows that delete sees them; a row deleted first is not copied.
  insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, total_tokens, total_estimated, truncated, extracted_text, created_at)
  select k.copy_id, a.user_id, a.storage_path, a.name, a.type, a.size, a.token_count, a.total_tokens, a.total_estimated, a.truncated, a.extracted_text, clock_timestamp()
    from unnest(v_kept, v_copies) with ordinality as k(id, copy_id, n)
    join public.message_attachments a on a.message_id = k.id
   where a.user_id = v_user
   order by k.n, a.created_at, a.name
     for key share of a;

  -- An answer's project files, on the caller's own answers only (a source is the chat owner's
  -- and names the owner's file; the fork of one's own chat stays in its project).
  insert into public.answer_sources (message_id, position, user_id, file_id, name, chunks, created_at)
  select k.copy_id, s.position, s.user_id, s.file_id, s.name, s.chunks, clock_timestamp()
    from unnest(v_kept, v_copies) as k(id, copy_id)
    join public.answer_sources s on s.message_id = k.id
   where s.user_id = v_user;

  -- What the copy could not take: the other people's files on the copied branch, counted so the
  -- caller can be told (their rows and objects stay with the chat they were attached in).
  select count(*)::integer into files_left_out
    from unnest(v_kept) as k(id)
    join public.message_attachments a on a.message_id = k.id
   where a.user_id <> v_user;
  fork_id := v_new;
  return next;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- As 20261130230145_create_session_shares.sql gave them: dropping the function took them away.
revoke all on function public.fork_session(uuid, text, uuid) from public, anon;
grant execute on function public.fork_session(uuid, text, uuid) to authenticated;
