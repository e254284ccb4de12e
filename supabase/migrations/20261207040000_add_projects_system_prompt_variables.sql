-- projects: the values of the system prompt's variables, kept with the project.
--
-- Why: a project's system prompt is rendered for every chat in the project, but a prompt with
-- `{{variables}}` needs values, and nothing in a chat asked for them: a project whose prompt
-- had a variable without a default answered every message with 422 missing_variables. Every
-- other use of a prompt with variables gets its values where it is chosen (the chat's picker,
-- the playground, a test case); a project's prompt is chosen in the project's settings, so its
-- values are set there too, once, and stored here. The API refuses to save a project whose
-- prompt needs a value it does not have (routes/projects.ts); a chat request's own `variables`
-- still override these, one turn at a time.

-- ============================================================================
-- TABLE
-- ============================================================================

-- As prompt_test_cases.variables: an object of names to values, at most 32 KB as JSON.
alter table public.projects
  add column system_prompt_variables jsonb not null default '{}'::jsonb
    check (jsonb_typeof(system_prompt_variables) = 'object' and octet_length(system_prompt_variables::text) <= 32768);

comment on column public.projects.system_prompt_variables is
  'Values of the system prompt''s {{variables}} ({"name": value}); a chat request''s variables override them.';
