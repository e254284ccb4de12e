-- Imported chats: a message too long for one request arrives in pieces (POST /import), so the
-- ledger also remembers how much of the conversation's next message is already stored.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the web app keeps each request small (its own server's and the API's body limits),
-- yet a chat stores messages of up to 200 000 characters — 600 KB of CJK text, 800 KB of
-- emoji. Such a message is sent in pieces; `imported_messages` counts only whole messages,
-- and this column the characters (code points, as char_length counts them) of the message
-- after them that are in the session so far: it is the session's newest message, and the
-- next piece is appended to it. 0 when no message is half-imported.
alter table private.chat_imports
  add column partial_chars int not null default 0 check (partial_chars between 0 and 200000);
