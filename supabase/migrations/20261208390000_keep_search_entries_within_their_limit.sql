-- A search index entry (a tsvector) holds at most 1 MB (https://www.postgresql.org/docs/17/textsearch-limitations.html),
-- and a text can need more: an answer and its reasoning just under their 200,000 characters
-- each, made of distinct long words (a hostile provider's, say), need about 1.1 MB. Every
-- write of such a row then failed with 54000 "string is too long for tsvector": the final
-- write, each retry, the settle of the abandoned answer and its fallback alike, so the answer
-- stayed `streaming` for good and every later turn of its chat failed — in a group chat, one
-- member's provider could do that to the owner's chat. A file's text (up to 2,000,000
-- characters) could not be attached at all for the same reason.
--
-- The functions that say what the indexes hold now index, for such a text, its beginning: the
-- first 60,000 characters of an answer, 20,000 of its reasoning, 80,000 of a file. An entry takes
-- at most about 6 bytes per character of text (measured with the densest text there is: distinct
-- one-character words, 4-byte characters among them: 504 KB for 84,000 characters), so these
-- stay well under the limit. Texts of up to 100,000 characters together cannot reach it and are indexed
-- whole by the first statement, as before; only longer ones pay for the exception block (a
-- subtransaction), and only when the whole text is too much do they fall back. Every text that
-- was indexed before gets the same entry, so the indexes are not rebuilt and the searches,
-- which repeat the call to use the index, still match them.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261208210000_plan_turn_row_writes_once.sql, bounded as said above.
create or replace function public.message_search_vector(p_session_id uuid, p_user_id uuid, p_content text, p_reasoning text)
returns tsvector
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  tags constant tsvector := array_to_tsvector(array['u ' || p_user_id::text, 's ' || p_session_id::text]);
begin
  if char_length(p_content) + coalesce(char_length(p_reasoning), 0) <= 100000 then
    return to_tsvector('simple'::regconfig, p_content)
        || to_tsvector('simple'::regconfig, coalesce(p_reasoning, ''))
        || tags;
  end if;
  begin
    return to_tsvector('simple'::regconfig, p_content)
        || to_tsvector('simple'::regconfig, coalesce(p_reasoning, ''))
        || tags;
  exception when program_limit_exceeded then
    return to_tsvector('simple'::regconfig, left(p_content, 60000))
        || to_tsvector('simple'::regconfig, left(coalesce(p_reasoning, ''), 20000))
        || tags;
  end;
end;
$$;

-- As in 20261208210000_plan_turn_row_writes_once.sql, bounded as said above.
create or replace function public.attachment_search_vector(p_session_id uuid, p_owner_id uuid, p_text text)
returns tsvector
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  tags constant tsvector := array_to_tsvector(array['u ' || p_owner_id::text, 's ' || p_session_id::text]);
begin
  if char_length(p_text) <= 100000 then
    return to_tsvector('simple'::regconfig, p_text) || tags;
  end if;
  begin
    return to_tsvector('simple'::regconfig, p_text) || tags;
  exception when program_limit_exceeded then
    return to_tsvector('simple'::regconfig, left(p_text, 80000)) || tags;
  end;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: CREATE OR REPLACE keeps a function's privileges (authenticated and service_role).
