-- answer_scores: thumbs up or down (and an optional comment) on an answer.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: tokens and dollars say what a prompt version costs, ratings say whether it works.
-- A score is on a chat answer (message_id) or on a call without a chat, e.g. through the
-- gateway (usage_log_id); one per rater and answer (re-rating replaces it). The usage
-- report joins scores to calls to show each prompt version's share of positive ratings.
create table public.answer_scores (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  message_id uuid references public.messages (id) on delete cascade,
  usage_log_id uuid references public.prompt_usage_logs (id) on delete cascade,
  rating smallint not null check (rating in (-1, 1)),
  comment text check (char_length(comment) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((message_id is null) <> (usage_log_id is null)),
  unique (message_id, user_id),
  unique (usage_log_id, user_id)
);

comment on column public.answer_scores.rating is '1 = thumbs up, -1 = thumbs down.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (message_id, user_id) and (usage_log_id, user_id) cover those foreign keys.
create index answer_scores_user_id_idx on public.answer_scores (user_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.answer_scores enable row level security;

create policy "answer_scores: users can read their own scores"
  on public.answer_scores for select to authenticated
  using (user_id = (select auth.uid()));

-- Only answers the rater can read (the messages policy applies inside the subquery), and
-- only the rater's own calls.
create policy "answer_scores: users can score answers they can read"
  on public.answer_scores for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (
      (message_id is not null and exists (select 1 from public.messages m where m.id = message_id and m.sender = 'assistant'))
      or (usage_log_id is not null and exists (select 1 from public.prompt_usage_logs l where l.id = usage_log_id and l.user_id = (select auth.uid())))
    )
  );

create policy "answer_scores: users can change their own scores"
  on public.answer_scores for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "answer_scores: users can remove their own scores"
  on public.answer_scores for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger answer_scores_set_updated_at
  before update on public.answer_scores
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.
revoke all on public.answer_scores from anon, authenticated, service_role;
grant select, insert, delete on public.answer_scores to authenticated;
grant update (rating, comment) on public.answer_scores to authenticated;
grant select, insert, update, delete on public.answer_scores to service_role;
