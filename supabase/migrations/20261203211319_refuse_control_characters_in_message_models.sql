-- messages.model: a model name has no control characters.
--
-- A message's model is shown beside every answer and read back by exports and usage. The chat
-- routes refuse a model name with a control character before calling the provider
-- (lib/inputs.ts modelName), but an import (POST /import, rows written by the function) took
-- any text up to 200 characters, so a conversation file could plant terminal escapes or line
-- breaks into the label. The API now validates imported models the same way (400), and the
-- column holds it for every writer: no C0 or C1 control character (U+0001–U+001F,
-- U+007F–U+009F, what `\p{Cc}` matches; NUL never reaches text). A name that has one already
-- keeps its other characters (each control becomes a space, trimmed; nothing left: null).

-- ============================================================================
-- TABLE
-- ============================================================================

update public.messages
   set model = nullif(btrim(regexp_replace(model, '[\u0001-\u001f\u007f-\u009f]', ' ', 'g')), '')
 where model ~ '[\u0001-\u001f\u007f-\u009f]';

alter table public.messages
  add constraint messages_model_no_control_characters check (model !~ '[\u0001-\u001f\u007f-\u009f]');
