-- Imported chats: chatbot-ui's export becomes a third source the import ledger accepts.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: someone moving from chatbot-ui brings its export (`history[]` of conversations); the
-- web app reads it as it reads ChatGPT's and sends it to POST /import as source 'chatbot-ui',
-- so importing the same file again finds each conversation here and adds nothing twice. Its
-- conversation ids are UUIDs like ChatGPT's, so it needs a source of its own: sharing one
-- would let a chatbot-ui conversation pass for a ChatGPT one with the same id.
alter table private.chat_imports drop constraint chat_imports_source_check;
alter table private.chat_imports
  add constraint chat_imports_source_check check (source in ('chatgpt', 'mrprompt', 'chatbot-ui'));
