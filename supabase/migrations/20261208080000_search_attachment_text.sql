-- Search finds a message by the text of the files it carried (QA7 #3): a PDF's or a text
-- file's extracted_text, which the chat already put into the prompt, is searched as the
-- message's text is, and a hit on it is a hit on the message that carried the file.
--
-- The index has to be scoped inside itself, as messages_search_idx is (20261204213000,
-- 20261208045000): a search for a common word must read the caller's matches, not every user's
-- files. An attachment row named only its message and its uploader — and the uploader is the
-- wrong scope: a member who uploaded a file into a chat and was then removed still owns the row
-- but may no longer read the chat. So each row now also carries its chat and the chat's owner
-- (session_id, owner_id), taken from its message when it is written, and the index holds the
-- file's words with `u <owner id>` and `s <session id>`, exactly the entries a message's search
-- vector has: the same scope (private.readable_chats_query: the caller's own chats, or a
-- group chat they are a member or viewer of) selects both. The pair references the chat's
-- (id, user_id) with ON UPDATE CASCADE, so a chat handed over to an heir when its owner deletes
-- their account (20261208040000) moves its files' owner with it, as session_members does.
--
-- The API reads the messages and attachments the index names through the policies, as the
-- caller, as before: the index only narrows what RLS then allows.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.message_attachments
  add column session_id uuid,
  add column owner_id uuid;

update public.message_attachments a
   set session_id = m.session_id, owner_id = m.user_id
  from public.messages m
 where m.id = a.message_id;

alter table public.message_attachments
  alter column session_id set not null,
  alter column owner_id set not null,
  add constraint message_attachments_session_id_owner_id_fkey
    foreign key (session_id, owner_id) references public.chat_sessions (id, user_id) on update cascade on delete cascade;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- A file's chat and owner are its message's, whatever the writer says: the row's search scope
-- must be the chat's, or a file could be filed under a chat its reader cannot read.
create or replace function private.place_message_attachment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select m.session_id, m.user_id into new.session_id, new.owner_id
    from public.messages m where m.id = new.message_id;
  return new;
end;
$$;

revoke all on function private.place_message_attachment() from public;

-- What message_attachments_search_idx holds for a file: the words of its text (simple
-- configuration, as messages), its chat's owner `u <user id>` and its chat `s <session id>`.
create or replace function public.attachment_search_vector(p_session_id uuid, p_owner_id uuid, p_text text)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select to_tsvector('simple'::regconfig, p_text)
      || array_to_tsvector(array['u ' || p_owner_id::text, 's ' || p_session_id::text])
$$;

comment on function public.attachment_search_vector(uuid, uuid, text) is
  'What message_attachments_search_idx indexes for a file: the words of its extracted text (simple configuration), its chat''s owner as `u <user id>` and its chat as `s <session id>`.';

-- What matches `p_query` among what the caller can read: the newest `p_limit` finished
-- messages whose text or reasoning matches, or that carried a file whose text matches, older
-- than (p_before, p_before_id) when given, newest first. One row per matching source: the
-- message's own text (attachment_id null) and each matching file (its id), so the API ranks
-- and quotes each and keeps the best per message. As search_message_ids: callers pass a query
-- the index answers without reading the text and check the real one on these rows; sequential
-- scans are off inside. Files are few next to messages (one per question that carried one), so
-- the caller's matching files are all read from the index and sorted by their message's time.
create or replace function public.search_message_hits(p_query tsquery, p_limit integer, p_before timestamptz default null, p_before_id uuid default null)
returns table (message_id uuid, attachment_id uuid)
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
rows 200
as $$
#variable_conflict use_column
declare
  scope tsquery;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return;
  end if;
  scope := private.readable_chats_query();
  if scope is null then
    return;
  end if;
  return query
    with texts as (
      select m.id, null::uuid as attachment_id, m.created_at
        from public.messages m
       where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
         and m.status <> 'streaming'
         and (p_before is null or p_before_id is null or (m.created_at, m.id) < (p_before, p_before_id))
       order by m.created_at desc, m.id desc
       limit p_limit
    ),
    files as (
      select m.id, a.id as attachment_id, m.created_at
        from public.message_attachments a
        join public.messages m on m.id = a.message_id
       where public.attachment_search_vector(a.session_id, a.owner_id, a.extracted_text) @@ (p_query && scope)
         and a.extracted_text <> ''
         and m.status <> 'streaming'
         and (p_before is null or p_before_id is null or (m.created_at, m.id) < (p_before, p_before_id))
    ),
    newest as (
      select u.id from (select t.id, t.created_at from texts t union select f.id, f.created_at from files f) u
       order by u.created_at desc, u.id desc
       limit p_limit
    )
    select s.id, s.attachment_id
      from (select t.id, t.attachment_id from texts t union all select f.id, f.attachment_id from files f) s
     where s.id in (select n.id from newest n);
end;
$$;

comment on function public.search_message_hits(tsquery, integer, timestamptz, uuid) is
  'The newest finished messages the caller can read (own and group chats) whose text, reasoning or a file''s text matches a full-text query: one row per matching text (attachment_id null) or file.';

-- How many finished messages the caller can read match `p_query` by their text, their
-- reasoning or a file they carried (the index's answer), counted up to p_cap; a message that
-- matches both ways counts once.
create or replace function public.count_message_matches(p_query tsquery, p_cap integer)
returns integer
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
as $$
declare
  scope tsquery;
  n integer;
begin
  if p_cap is null or p_cap < 1 or p_cap > 10000 then
    raise exception 'p_cap must be between 1 and 10000' using errcode = '22023';
  end if;
  if p_query is null or numnode(p_query) = 0 then
    return 0;
  end if;
  scope := private.readable_chats_query();
  if scope is null then
    return 0;
  end if;
  select count(*) into n from (
    (select m.id from public.messages m
      where public.message_search_vector(m.session_id, m.user_id, m.content, m.reasoning) @@ (p_query && scope)
        and m.status <> 'streaming'
      limit p_cap)
    union
    (select a.message_id from public.message_attachments a
       join public.messages m on m.id = a.message_id
      where public.attachment_search_vector(a.session_id, a.owner_id, a.extracted_text) @@ (p_query && scope)
        and a.extracted_text <> ''
        and m.status <> 'streaming'
      limit p_cap)
    limit p_cap) c;
  return n;
end;
$$;

comment on function public.count_message_matches(tsquery, integer) is
  'How many finished messages the caller can read match a full-text query by their text, reasoning or a file''s text, counted up to p_cap.';

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Named to run before message_attachments_guard_author and message_attachments_stamp_row_times
-- (triggers fire in name order); it reads only the message. Not on an update of owner_id: the
-- handover's cascade sets it before the chat's messages name their new owner.
create trigger message_attachments_a_place
  before insert or update of message_id on public.message_attachments
  for each row execute function private.place_message_attachment();

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Files with text only (an image has none); queries repeat the expression and the predicate.
create index message_attachments_search_idx on public.message_attachments
  using gin (public.attachment_search_vector(session_id, owner_id, extracted_text))
  where extracted_text <> '';

create index message_attachments_session_id_owner_id_idx on public.message_attachments (session_id, owner_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged: the API reads the rows the search names through the policies, as the caller.

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.attachment_search_vector(uuid, uuid, text) from public;
grant execute on function public.attachment_search_vector(uuid, uuid, text) to authenticated, service_role;

-- Signed-in callers only (the schema's default privileges would give anon execute too).
revoke all on function public.search_message_hits(tsquery, integer, timestamptz, uuid) from public, anon;
grant execute on function public.search_message_hits(tsquery, integer, timestamptz, uuid) to authenticated, service_role;
