-- private.delete_account: the one way the API deletes a user, for DELETE /api/me.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: a user may delete their own account, and with it every row they own. auth.users
-- belongs to GoTrue and the API roles cannot touch it, so the API calls this as the
-- connection owner (outside `set local role`) with the user id it verified from the JWT —
-- never an id taken from the request. Deleting the auth user cascades to profiles,
-- api_credentials, prompts (and their versions and labels), projects, chat_sessions,
-- messages, prompt_usage_logs, rate-limit buckets and GoTrue's identities and sessions;
-- other users' rows that pointed at this user's public prompts keep existing with the link
-- set to null. Returns whether a user was deleted.
create or replace function private.delete_account(p_user_id uuid)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_deleted int;
begin
  if p_user_id is null then
    raise exception 'delete_account: a user id is required' using errcode = '22004';
  end if;
  delete from auth.users u where u.id = p_user_id;
  get diagnostics v_deleted = row_count;
  return v_deleted > 0;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Only the owner may run it; the API roles cannot even see the private schema.
revoke all on function private.delete_account(uuid) from public, anon, authenticated, service_role;
