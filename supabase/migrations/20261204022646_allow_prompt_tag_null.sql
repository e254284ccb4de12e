-- prompts.tags: the tag `null` is a tag like any other.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the check reads the array's text form, where Postgres quotes an element spelled NULL
-- (`{"null"}`, so it is not read back as a missing value;
-- https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO). The tag `null` fits the
-- rule (1-32 of a-z 0-9 _ . + # -) and the API accepted it, but the database refused the
-- write, which reached the user as a 500. The quoted spelling is now allowed as one more
-- element form; everything else stays as it was (an actual NULL element prints unquoted in
-- capitals and still fails, as does any character outside the rule).
alter table public.prompts drop constraint prompts_tags_check;
alter table public.prompts add constraint prompts_tags_check check (
  cardinality(tags) <= 20
  and tags::text ~ '^\{(([a-z0-9][a-z0-9_.+#-]{0,31}|"null")(,([a-z0-9][a-z0-9_.+#-]{0,31}|"null"))*)?\}$'
);
