-- message_attachments.extracted_text: the text a message's file put into the prompt (already
-- cut to its budget), so later turns of the chat still see the files of earlier messages
-- without reading and parsing them from Storage again. Images keep '' (they are named only).

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.message_attachments
  add column extracted_text text not null default '' check (char_length(extracted_text) <= 2000000);
