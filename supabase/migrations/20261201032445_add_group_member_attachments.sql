-- ============================================================================
-- Group chats: members attach files.
--
-- A member uploads to their own folder (`<member id>/…`, the bucket's own-folder policies) and
-- the API function records the file on the question it wrote in the owner's chat
-- (lib/attachments/chat-attachments.ts, privileged connection). So a row's user_id is the
-- uploader — the question's author (messages.author_id) — while the message belongs to the
-- chat's owner (messages.user_id).
--
-- 1. The chat's owner reads what members attached (rows and objects): until now the owner
--    read only their own rows and folder, members read everything in their chats
--    (20261201002945_add_group_attachment_policies.sql).
-- 2. A row may only name a question its uploader wrote: enforced here for every writer
--    (the API roles cannot insert at all; this holds the function's privileged path too), so
--    nobody attaches a file to someone else's question.
--
-- Deleting the message, the session or either account still removes the object: the row
-- cascades from messages and from the uploader's auth.users row, and its delete trigger
-- queues the path (private.queue_storage_cleanup), whichever folder it is in. A member's
-- removal from the chat leaves their files with their questions (the owner and the remaining
-- people keep reading them; the removed member keeps their own folder and may delete them).
-- https://supabase.com/docs/guides/storage/security/access-control
-- ============================================================================

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- messages.user_id is always the chat's owner (messages_guard_author).
create policy "message_attachments: chat owners can read attachments in their chats"
  on public.message_attachments for select to authenticated
  using (exists (
    select 1 from public.messages msg
     where msg.id = message_attachments.message_id and msg.user_id = (select auth.uid())
  ));

-- Read only (download, sign): the object stays the uploader's to replace or delete.
create policy "attachments: chat owners can read files attached in their chats"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'attachments'
    and exists (
      select 1 from public.message_attachments a
        join public.messages msg on msg.id = a.message_id
       where a.storage_path = objects.name and msg.user_id = (select auth.uid())
    )
  );

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: reads the message whatever the writer's RLS; the row's uploader
-- (user_id, whose folder the path is in by the table's check) must be the question's author.
create or replace function private.guard_message_attachment_author()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.messages m
     where m.id = new.message_id and m.sender = 'user' and m.author_id = new.user_id
  ) then
    raise exception 'message_attachments: files can only be attached to a question their uploader wrote' using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.guard_message_attachment_author() from public, anon, authenticated, service_role;

create trigger message_attachments_guard_author
  before insert or update of message_id, user_id on public.message_attachments
  for each row execute function private.guard_message_attachment_author();
