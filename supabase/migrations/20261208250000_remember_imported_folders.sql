-- Imported folders: which folder of another app each project an import made stands for, so the
-- chats of one folder land in one project however many requests and files bring them.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: chatbot-ui files chats in folders, and someone moving over expects them filed the same
-- way here. POST /import makes a project for a folder at the first new chat in it and records
-- it here; later chats of that folder (the next request of a big file, or a newer export of the
-- same browser) find the project here instead of making a second one of the same name. In
-- `private`, as private.chat_imports is, so no user can forge or clear it. Deleting the project
-- deletes the row: a later import makes the folder's project again for the chats it adds.
create table private.project_imports (
  user_id uuid not null references auth.users (id) on delete cascade,
  source text not null check (source in ('chatgpt', 'mrprompt', 'chatbot-ui')),
  source_id text not null check (char_length(source_id) between 1 and 200),
  project_id uuid not null unique references public.projects (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, source, source_id)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None beyond the keys: the primary key covers user_id, the unique project_id its foreign key.

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

revoke all on private.project_imports from public, anon, authenticated, service_role;
