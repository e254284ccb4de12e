-- public.my_chat_calls_paid_by_others: a chat's Usage panel (GET /api/sessions/{id}/usage) says
-- how many of the calls a member asked in that one chat someone else paid for (a group chat
-- whose owner shares their key), and their tokens, per payer. It is
-- public.my_calls_paid_by_others narrowed to one chat instead of a time range, and keeps its
-- rules: only the caller's own questions are counted (asked_by is the caller, the payer someone
-- else), no dollars (members do not see the owner's amounts), the payer's other rows stay
-- unread. Usage rows themselves stay readable by their payer only (no policy changes).
-- No index: prompt_usage_logs_session_id_idx finds a chat's calls, a few hundred at most.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: a member who opens a group chat's usage would otherwise read "no calls" after asking
-- several the owner paid for; this counts them without showing the owner's rows or amounts.
create function public.my_chat_calls_paid_by_others(p_session_id uuid)
returns table (payer_id uuid, payer_name text, calls int, prompt_tokens bigint, completion_tokens bigint, total_tokens bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select l.user_id, max(p.display_name), count(*)::int,
         coalesce(sum(l.prompt_tokens), 0)::bigint, coalesce(sum(l.completion_tokens), 0)::bigint,
         coalesce(sum(coalesce(l.token_count, coalesce(l.prompt_tokens, 0) + coalesce(l.completion_tokens, 0))), 0)::bigint
    from public.prompt_usage_logs l
    left join public.profiles p on p.id = l.user_id
   where l.session_id = p_session_id
     and l.asked_by = (select auth.uid())
     and l.user_id <> (select auth.uid())
     and (select public.session_is_live())
     and (select public.meets_mfa_requirement())
   group by l.user_id
   order by count(*) desc, l.user_id;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.my_chat_calls_paid_by_others(uuid) from public, anon, service_role;
grant execute on function public.my_chat_calls_paid_by_others(uuid) to authenticated;
