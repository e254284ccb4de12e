-- Group chats and attachments: members of a group chat (session_members) see the files its
-- messages carry — the message_attachments rows and the objects themselves — as they see its
-- messages. Nobody else does; the files stay in their uploader's folder.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

create policy "message_attachments: members can read their group's attachments"
  on public.message_attachments for select to authenticated
  using (exists (
    select 1 from public.messages msg
      join public.session_members m on m.session_id = msg.session_id
     where msg.id = message_attachments.message_id and m.user_id = (select auth.uid())
  ));

-- Read only (download, sign): uploading, replacing and deleting stay with the owner.
create policy "attachments: group members can read files attached in their chats"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'attachments'
    and exists (
      select 1 from public.message_attachments a
        join public.messages msg on msg.id = a.message_id
        join public.session_members m on m.session_id = msg.session_id
       where a.storage_path = objects.name and m.user_id = (select auth.uid())
    )
  );
