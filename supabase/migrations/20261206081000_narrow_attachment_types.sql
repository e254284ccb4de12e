-- ============================================================================
-- The attachments bucket takes only the types the app uploads.
--
-- It allowed `text/*` and `application/xml` (and application/javascript), so a user could
-- store a file as text/html, text/xml, application/xml, text/xsl or a script type — types a
-- browser runs as a page of the origin serving it when someone opens the file (a chip click,
-- a signed link). Storage now serves every type that is not inert as text/plain with nosniff
-- and a sandbox CSP (local/src/storage/media-type.ts); this narrows what can be stored at all,
-- so the same holds on hosted Supabase, whose Storage serves a stored type as uploaded except
-- text/html (https://supabase.com/docs/guides/storage/quickstart: "HTML files are returned as
-- plain text").
--
-- The web app uploads images as themselves, PDF, Markdown, CSV and JSON with their own types
-- and every other text file — code, YAML, XML, HTML, SVG… — as text/plain
-- (web/src/lib/attachments/upload-type.ts). The API never trusts the stored type: it sniffs
-- the bytes and takes the flavour of text from the file's name
-- (supabase/functions/api/lib/attachments/sniff.ts), so such a file is still attached as
-- text. Objects already stored keep their type; Storage serves them as text/plain.
-- ============================================================================

update storage.buckets
   set allowed_mime_types = array[
     'image/png', 'image/jpeg', 'image/gif', 'image/webp',
     'application/pdf',
     'text/plain', 'text/markdown', 'text/csv', 'application/json'
   ]
 where id = 'attachments';
