-- Imported chats: which conversation from another app (or from an export of this one) each
-- imported session came from, so importing the same file again adds nothing twice, and a
-- large conversation sent in several parts resumes where it stopped.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: POST /import writes sessions and their messages through the function's privileged
-- path (the API roles may not insert messages, and an import keeps the conversation's own
-- times, which the row-time trigger would replace for a user's write). This is its ledger:
-- one row per (user, source, conversation id), in `private` so no user can forge or clear
-- it. Deleting the imported session deletes the row, so the chat can be imported again.
create table private.chat_imports (
  user_id uuid not null references auth.users (id) on delete cascade,
  source text not null check (source in ('chatgpt', 'mrprompt')),
  source_id text not null check (char_length(source_id) between 1 and 200),
  session_id uuid not null unique references public.chat_sessions (id) on delete cascade,
  -- Messages of the conversation in all, and how many are in the session so far (parts
  -- arrive in order; a part that repeats ones already stored skips them).
  total_messages int not null check (total_messages >= 1),
  imported_messages int not null default 0 check (imported_messages between 0 and total_messages),
  created_at timestamptz not null default now(),
  primary key (user_id, source, source_id)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None beyond the keys: the primary key covers user_id, the unique session_id its foreign key.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- None: `private` is not reachable by the API roles at all.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- None.

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on private.chat_imports from public, anon, authenticated, service_role;
