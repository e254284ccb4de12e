-- ============================================================================
-- message_attachments are written by the API function only.
--
-- A row's extracted_text goes back into later prompts of its chat (history carries a question's
-- files again) — in a group chat into other people's turns too. With an insert grant, anyone
-- could state any text for "their file" through the Data API (hosted Supabase serves `public`
-- with the user's own token), bypassing the function's extraction and its limits. The function
-- now records attachments on its privileged connection, bound to the caller's own question and
-- folder (lib/attachments/chat-attachments.ts). Users keep reading (their own, their groups')
-- and deleting their own rows.
-- ============================================================================

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "message_attachments: users can attach to their own messages" on public.message_attachments;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke insert on public.message_attachments from authenticated;
