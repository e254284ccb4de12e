-- prompt_usage_logs.attachment_tokens: how much of a call's prompt its files were.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: files are often most of a prompt, and of its cost. prompt_tokens (what the provider
-- billed) already includes them; attachment_tokens says how many of those tokens were the
-- text of the files attached to the question this call answered, as they went into the
-- prompt (after any cut to fit the window; message_attachments.token_count). Images are
-- counted by the provider only, so they add 0 here. Project files in the system prompt and
-- earlier messages' files sent again with the history are part of prompt_tokens but not of
-- this count. 0 for calls without a chat message (the OpenAI-compatible gateway).
alter table public.prompt_usage_logs
  add column attachment_tokens int not null default 0 check (attachment_tokens >= 0);

comment on column public.prompt_usage_logs.attachment_tokens is
  'Tokens of the question''s attached files in the prompt (part of prompt_tokens); set by the database.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None: read with the row.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why triggers: the count comes from rows the database already has (the answer's question
-- and its message_attachments), so no writer can state it, the function included. The
-- question is the user message just before the logged answer in its chat. The API records
-- a question's files while its answer is already streaming, so either row may come first:
-- the log counts the files already there, and a file recorded later adds itself to the log
-- already there. Both take a transaction lock on the question first, so the second writer
-- always sees the first one's committed row (no file is missed or counted twice).
-- Security definer: the log is append-only for users, and a group chat's answer may follow
-- a member's question the caller cannot read; the functions only sum token counts.
create or replace function private.count_usage_attachment_tokens()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_question uuid;
begin
  select q.id into v_question
    from public.messages ans
    join public.messages q
      on q.session_id = ans.session_id and q.sender = 'user' and (q.created_at, q.id) < (ans.created_at, ans.id)
   where ans.id = new.message_id
   order by q.created_at desc, q.id desc
   limit 1;
  if v_question is null then
    new.attachment_tokens := 0;
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('usage_attachment_tokens:' || v_question::text, 0));
  new.attachment_tokens := coalesce((
    select sum(a.token_count) from public.message_attachments a where a.message_id = v_question), 0);
  return new;
end;
$$;

create or replace function private.add_attachment_tokens_to_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('usage_attachment_tokens:' || new.message_id::text, 0));
  update public.prompt_usage_logs l
     set attachment_tokens = l.attachment_tokens + new.token_count
   where l.message_id = (
     select ans.id
       from public.messages q
       join public.messages ans
         on ans.session_id = q.session_id and ans.sender = 'assistant' and (ans.created_at, ans.id) > (q.created_at, q.id)
      where q.id = new.message_id
      order by ans.created_at, ans.id
      limit 1);
  return null;
end;
$$;

revoke all on function private.count_usage_attachment_tokens() from public, anon, authenticated, service_role;
revoke all on function private.add_attachment_tokens_to_usage() from public, anon, authenticated, service_role;

create trigger prompt_usage_logs_count_attachment_tokens
  before insert on public.prompt_usage_logs
  for each row execute function private.count_usage_attachment_tokens();

create trigger message_attachments_add_to_usage
  after insert on public.message_attachments
  for each row execute function private.add_attachment_tokens_to_usage();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Column privileges follow the table's existing grants (users may not update logs).
