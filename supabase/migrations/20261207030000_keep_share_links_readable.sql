-- A chat's share link can be shown to its owner again (QA finding 10). Until now only the
-- token's SHA-256 was kept, so the link was shown once, when made; getting it again meant
-- replacing it, which breaks the copy already sent to people. People expect to copy an
-- existing link at any time (ChatGPT and chatbot-ui show it again).
--
-- The link is kept sealed, not in the clear: the API function encrypts the token with its
-- credential key (AES-256-GCM, bound to the owner and the session; lib/share-link-seal.ts) and
-- stores the ciphertext here, so a database dump still does not hand out links. Links are
-- still found by token_hash only. A link made before this migration (or by a client calling
-- share_session directly) has no sealed copy: it is shown as "made before links were kept",
-- and replacing it gives one that is.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.session_shares
  add column token_sealed text check (char_length(token_sealed) <= 200);

comment on column public.session_shares.token_sealed is
  'The token, encrypted by the API function for its owner (null: made before links were kept, or not by the API).';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Owners store their link's sealed copy right after share_session made it, in the same
-- transaction. Only that column may be written: the token, its hash and the settings stay
-- share_session's. A wrong value hides nothing and grants nothing: the API shows a sealed
-- token only when it opens with the key and hashes to token_hash.
create policy "session_shares: owners can store their link's sealed token"
  on public.session_shares for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261201022708, and a replaced link forgets the old link's sealed copy: the new token
-- is sealed by the caller (the API), or the link is shown as not kept.
create or replace function public.share_session(p_session_id uuid, p_live boolean default false)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_token text;
  v_leaf uuid;
begin
  if v_user is null then
    raise exception 'share_session: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_user) then
    raise exception 'share_session: no such session' using errcode = 'P0002';
  end if;
  select coalesce(s.active_leaf_id,
                  (select m.id from public.messages m where m.session_id = s.id order by m.created_at desc, m.id desc limit 1))
    into v_leaf from public.chat_sessions s where s.id = p_session_id;
  v_token := rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
  insert into public.session_shares (session_id, user_id, token_hash, live, shared_at, leaf_id, token_sealed)
  values (p_session_id, v_user, sha256(convert_to(v_token, 'UTF8')), coalesce(p_live, false), clock_timestamp(),
          case when coalesce(p_live, false) then null else v_leaf end, null)
  on conflict (session_id) do update
    set token_hash = excluded.token_hash, live = excluded.live, shared_at = excluded.shared_at,
        leaf_id = excluded.leaf_id, token_sealed = null;
  return v_token;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

grant update (token_sealed) on public.session_shares to authenticated;
