-- Starter library: public prompts owned by a system user, so a fresh install has something
-- useful to browse, fork and run. Fixed ids and `on conflict do nothing` make it idempotent:
-- running it twice changes nothing, and a user's edits to a fork are never overwritten.

-- The system user owns the starter prompts. It cannot sign in: no password hash, and the
-- token columns are '' as GoTrue expects. Its profile is created by private.handle_new_user.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  email_change_token_current, phone_change, phone_change_token, reauthentication_token,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, is_sso_user, is_anonymous,
  created_at, updated_at
) values (
  '00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000001',
  'authenticated', 'authenticated', 'system@mrprompt.local', '', now(),
  '', '', '', '',
  '', '', '', '',
  '{"provider": "email", "providers": ["email"]}', '{"display_name": "Mr.Prompt"}', false, false, false,
  now(), now()
) on conflict (id) do nothing;

insert into public.prompts (id, user_id, title, description, content, tags, is_public) values
(
  '00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000001',
  'Code reviewer',
  'A careful review of a diff or file: bugs first, then security, then readability.',
  $prompt$You are a senior {{language|software}} engineer reviewing code for a colleague.

Review the code below. Report, in this order:
1. Bugs and incorrect behaviour (with the line and a concrete failing input).
2. Security problems (injection, secrets, unsafe defaults, missing validation).
3. Performance issues that matter at {{scale|moderate}} scale.
4. Readability and naming, only where it would change how the next reader understands it.

For each finding give: severity (high/medium/low), why it matters, and a minimal fix.
If the code is fine, say so briefly; do not invent problems.

Focus especially on: {{focus|correctness}}

```
{{code}}
```$prompt$,
  '{code,review,engineering}', true
),
(
  '00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000001',
  'Summariser',
  'Summarise any text for a chosen audience and length, keeping facts and numbers exact.',
  $prompt$Summarise the text below for {{audience|a busy colleague}}.

Rules:
- At most {{length|5}} bullet points, most important first.
- Keep names, dates and numbers exactly as written; never add facts that are not in the text.
- End with one line starting "Open questions:" if anything is unclear or missing, otherwise omit it.
- Write in {{language|the language of the text}}.

Text:
"""
{{text}}
"""$prompt$,
  '{writing,summary}', true
),
(
  '00000000-0000-4000-8000-000000000103', '00000000-0000-4000-8000-000000000001',
  'Commit message writer',
  'Turns a diff into a conventional commit message that explains why, not just what.',
  $prompt$Write a git commit message for the diff below.

Format:
- Subject line: {{style|Conventional Commits}} style, imperative mood, at most 72 characters.
- Blank line, then a body wrapped at 72 characters that explains why the change was made
  and anything a reviewer should watch for. Skip the body for trivial changes.
- Mention breaking changes explicitly.

Context from the author (may be empty): {{context|}}

```diff
{{diff}}
```

Reply with the commit message only.$prompt$,
  '{git,code,writing}', true
),
(
  '00000000-0000-4000-8000-000000000104', '00000000-0000-4000-8000-000000000001',
  'SQL explainer',
  'Explains what a query does, how the database will run it, and how to make it faster.',
  $prompt$You are a {{dialect|PostgreSQL}} expert. Explain the query below to {{audience|a developer new to SQL}}.

1. In plain words: what rows does it return, and in what order?
2. Step by step: how the joins, filters, grouping and window functions combine.
3. Likely execution plan and the indexes it would need; point out anything that forces a
   sequential scan or a sort on a large table.
4. Correctness traps: NULL handling, duplicate rows from joins, time zones, integer division.
5. A rewritten version if it can be simpler or faster, with the reason.

```sql
{{query}}
```$prompt$,
  '{sql,database,code}', true
),
(
  '00000000-0000-4000-8000-000000000105', '00000000-0000-4000-8000-000000000001',
  'Translator',
  'Natural translation that keeps tone, formatting and placeholders intact.',
  $prompt$Translate the text below from {{source_language|the detected language}} into {{target_language}}.

- Keep the tone {{tone|as in the original}} and the meaning exact; prefer natural phrasing over
  word-for-word translation.
- Keep markdown, code blocks, URLs, numbers and placeholders such as {name} or %s unchanged.
- If a phrase has no good equivalent, translate the meaning and add a short note after the
  translation.

Reply with the translation only, followed by notes if any.

"""
{{text}}
"""$prompt$,
  '{translation,writing}', true
),
(
  '00000000-0000-4000-8000-000000000106', '00000000-0000-4000-8000-000000000001',
  'Meeting notes to action items',
  'Extracts decisions, action items with owners and dates, and open questions from notes.',
  $prompt$From the meeting notes below, produce:

## Decisions
One line each, with who decided if stated.

## Action items
A table with columns: Action | Owner | Due date | Notes.
Use "unassigned" or "no date" when the notes do not say; never guess names.

## Open questions
Anything raised but not resolved.

Meeting: {{meeting_name|Team meeting}} on {{date|the date in the notes}}.

Notes:
"""
{{notes}}
"""$prompt$,
  '{meetings,productivity,writing}', true
),
(
  '00000000-0000-4000-8000-000000000107', '00000000-0000-4000-8000-000000000001',
  'Bug report triage',
  'Turns a rough bug report into a reproducible issue with likely causes and next steps.',
  $prompt$You are triaging a bug report for {{product|our application}}.

From the report below, write:
1. A one-line title.
2. Steps to reproduce, expected result, actual result (mark anything you had to assume).
3. Severity ({{severity_scale|critical / major / minor / trivial}}) with a one-line reason.
4. The three most likely causes, most likely first, and how to confirm each.
5. What information to ask the reporter for, if anything is missing.

Report:
"""
{{report}}
"""$prompt$,
  '{engineering,debugging,support}', true
)
on conflict (id) do nothing;
