// One prompt: its current text, version history, labels, and (with ?from=&to=) two
// versions to compare side by side. Actions are named by what they do.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok, type Api, type Prompt, type PromptVersion } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { parsePromptForm } from '$lib/server/prompt-form';
import { providerChoices } from '$lib/server/providers';
import { publicPageFromLibrary } from '$lib/server/public-prompt';
import { stats } from '$lib/server/usage';
import { summarise } from './version-summary';
import type { Actions, PageServerLoad } from './$types';

const version = z.coerce.number().int().min(1);
const compare = z.object({ from: version, to: version });
const labelForm = z.object({ label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Labels are lowercase letters, digits, - and _'), version });

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  const { session, claims } = await event.locals.safeGetSession();
  // A link to a public prompt opens for someone signed out too: on its public page, which reads
  // it (one read of the visitor's address's bucket, not one here and one there: a class opening
  // the teacher's link shares that bucket). One that is not public asks them to sign in from there.
  if (!session) redirect(303, publicPageFromLibrary(id));
  const api = await requireApi(event);
  try {
    const path = { id };
    // Per-version calls, cost, latency and ratings over the last 90 days (the caller's own calls).
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const [prompt, { versions: history, next_cursor: olderVersions }, usage, providers] = await Promise.all([
      ok(api.GET('/api/prompts/{id}', { params: { path } })),
      // The history without the texts: one version's text is read when it is viewed or compared.
      ok(api.GET('/api/prompts/{id}/history', { params: { path } })),
      ok(api.GET('/api/usage', { params: { query: { group_by: 'prompt', prompt_id: id, from } } })),
      // The providers the editor's model settings offer.
      providerChoices(api),
    ]);
    const pair = compare.safeParse({ from: event.url.searchParams.get('from'), to: event.url.searchParams.get('to') });
    const compared = pair.success ? await loadPair(api, id, pair.data.from, pair.data.to) : null;
    const viewing = version.safeParse(event.url.searchParams.get('view'));
    const viewed = viewing.success ? await loadViewed(api, id, viewing.data) : null;
    return {
      prompt: {
        id: prompt.id, title: prompt.title, description: prompt.description, content: prompt.content, tags: prompt.tags,
        is_public: prompt.is_public, published_version: prompt.published_version, shared_label: prompt.shared_label, latest_version: prompt.latest_version, revision: prompt.revision, forked_from: prompt.forked_from,
        name: prompt.name, config: prompt.config,
      },
      versionStats: usage.groups.map((g) => ({ key: `v${g.prompt_version}`, label: `v${g.prompt_version}`, ...stats(g) })),
      mine: prompt.user_id === claims?.sub,
      providers,
      me: claims?.sub ?? null,
      labels: (prompt.labels ?? []).map(({ label, version, locked }) => ({ label, version, locked })),
      versions: history.map(summarise),
      // The newest page only; 'Load older versions' reads the rest from here (the page's pager).
      olderVersions,
      diff: compared && 'from' in compared ? compared : null,
      diffMissing: compared && 'missing' in compared ? compared.missing : [],
      viewed,
    };
  } catch (err) {
    loadFailed(err, 'This prompt does not exist. It may have been deleted, or it is private to its owner.');
  }
};

/** One version in full (`?view=`), or `{ missing }` if it cannot be read. */
async function loadViewed(api: Api, id: string, v: number): Promise<Compared | { missing: number }> {
  return getVersion(api, id, v).then(
    ({ version, title, content, config }) => ({ version, title, content, config }),
    (err) => {
      if (err instanceof ApiError && err.status === 404) return { missing: v };
      throw err;
    },
  );
}

async function getVersion(api: Api, id: string, version: number): Promise<PromptVersion> {
  return ok(api.GET('/api/prompts/{id}/versions/{version}', { params: { path: { id, version } } }));
}

type Compared = Pick<PromptVersion, 'version' | 'title' | 'content' | 'config'>;

/**
 * The two versions to compare, or those of them that cannot be read: a number that never
 * existed, or (someone else's public prompt) a version saved before it was published. Either
 * way the prompt itself is there, so the page shows it and says so instead of a 404 page.
 */
async function loadPair(api: Api, id: string, from: number, to: number): Promise<{ from: Compared; to: Compared } | { missing: number[] }> {
  const read = (v: number) => getVersion(api, id, v).then(
    ({ version, title, content, config }) => ({ version, title, content, config }),
    (err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    },
  );
  const [a, b] = await Promise.all([read(from), read(to)]);
  if (a && b) return { from: a, to: b };
  return { missing: [...new Set([a ? null : from, b ? null : to].filter((v) => v !== null))] };
}

/** Where a failure is shown: beside the form that was sent (it may be far below the top). */
type Where = 'save' | 'labels' | 'page';

/** Runs an API call: its error becomes the form's `error`, and `confirm` words a success toast. */
async function attempt<T>(where: Where, work: () => Promise<T>, confirm?: (result: T) => string) {
  let result: T;
  try {
    result = await work();
  } catch (err) {
    if (err instanceof ApiError) return fail(err.status, { error: err.message, where, latest: conflictVersion(err), revision: conflictRevision(err) });
    throw err;
  }
  return confirm ? { ok: true, toast: confirm(result) } : { ok: true };
}

/** The current version named by a 409 version_conflict (another tab or device saved first), else null. */
function conflictVersion(err: ApiError): number | null {
  const latest = version.safeParse(err.details.latest_version);
  return err.code === 'version_conflict' && latest.success ? latest.data : null;
}

/** The current revision named by a 409 version_conflict (any change saved elsewhere), else null. */
function conflictRevision(err: ApiError): number | null {
  const revision = version.safeParse(err.details.revision);
  return err.code === 'version_conflict' && revision.success ? revision.data : null;
}

/**
 * Rewords the API's version_conflict for what `action` was; other errors pass through.
 * `sameVersion` is true when only the description, tags or visibility changed elsewhere.
 */
function rewordConflict(action: (latest: number, sameVersion: boolean) => string, editedVersion?: number) {
  return (err: unknown): never => {
    const latest = err instanceof ApiError ? conflictVersion(err) : null;
    if (err instanceof ApiError && latest !== null) throw new ApiError(err.status, err.code, action(latest, latest === editedVersion), err.details);
    throw err;
  };
}

export const actions: Actions = {
  save: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const input = parsePromptForm(form);
    if (!input.success) return fail(400, { error: input.error.issues[0].message, where: 'save' as const });
    // The version the form was opened on: only a new title, template or settings make another one, so
    // the confirmation says whether this save did.
    // It is also the version the edit is based on: if another tab or device saved a newer one
    // meanwhile, the API refuses (409) rather than this save silently replacing it. The edit
    // stays in the form, now based on the newer version (`latest`), so saving again is a choice.
    // The revision covers every other change too (description, tags, visibility), which make no version.
    const edited = version.safeParse(form.get('latest_version'));
    const revision = version.safeParse(form.get('revision'));
    const body = {
      ...input.data,
      expected_version: edited.success ? edited.data : undefined,
      expected_revision: revision.success ? revision.data : undefined,
    };
    return attempt(
      'save',
      () => ok(api.PATCH('/api/prompts/{id}', { params: { path: { id: event.params.id } }, body })).catch(rewordConflict((latest, sameVersion) =>
        sameVersion
          ? `Not saved: this prompt's description, tags or visibility were changed elsewhere since you opened it. Your edit is still here: ` +
            `save again to replace those changes with yours, or reload to see them first.`
          : `Not saved: this prompt was changed elsewhere since you opened it (it is now v${latest}). Your edit is still here: ` +
            `save again to make it v${latest + 1} (v${latest} stays in the history), or reload to see v${latest} first.`, edited.success ? edited.data : undefined)),
      (saved) => edited.success && saved.latest_version === edited.data
        ? `Saved. Still v${saved.latest_version}: only a new title, template or model settings make a new version.`
        : `Saved as v${saved.latest_version}.`,
    );
  },
  restore: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const v = version.safeParse(form.get('version'));
    if (!v.success) return fail(400, { error: 'Pick a version to restore' });
    // A version equal to the current text adds none.
    const latest = version.safeParse(form.get('latest_version'));
    const revision = version.safeParse(form.get('revision'));
    const body = { version: v.data, expected_version: latest.success ? latest.data : undefined, expected_revision: revision.success ? revision.data : undefined };
    const publicUrl = `${event.url.origin}/p/${event.params.id}`;
    // A prompt shared at its newest version publishes whatever is restored: a version visitors
    // do not see now would become public. The page's dialog asks first (VersionHistory); asked
    // here too, from the prompt as it is now, for a form sent without the page's script or after
    // another tab made the prompt public. A prompt shared at a label publishes nothing here.
    if (form.get('publish') !== 'yes') {
      const now = await ok(api.GET('/api/prompts/{id}', { params: { path: { id: event.params.id } } })).catch(() => null);
      if (now?.is_public && now.shared_label === null && now.published_version !== null && v.data !== now.published_version) {
        return fail(409, {
          error: `v${v.data} is not public: restoring it publishes its text to anyone at ${publicUrl}. Press “Restore and publish” beside v${v.data} if you mean to.`,
          where: 'page' as const, confirmPublish: v.data,
        });
      }
    }
    return attempt(
      'page',
      () => ok(api.POST('/api/prompts/{id}/restore', { params: { path: { id: event.params.id } }, body })).catch(rewordConflict((now) =>
        `Not restored: this prompt was changed elsewhere since you opened it (it is now v${now}). Reload to see v${now}, then restore v${v.data} if you still want it.`)),
      (restored) => latest.success && restored.latest_version === latest.data
        ? `v${restored.latest_version} already has the title, template and model settings of v${v.data}: nothing to restore.`
        : `Restored v${v.data} as v${restored.latest_version}.${restored.is_public ? ` The prompt is public: anyone can read it at ${publicUrl}.` : ''}`,
    );
  },
  setLabel: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const input = labelForm.safeParse({ label: form.get('label'), version: form.get('version') });
    if (!input.success) return fail(400, { error: input.error.issues[0].message, where: 'labels' as const });
    const path = { id: event.params.id, label: input.data.label };
    // Lock: `on` locks, `off` unlocks (a label's own Lock/Unlock button); absent keeps the label
    // as it is — so "Move even if locked" moves a locked label and it stays locked.
    const lock = form.get('locked');
    const body = { version: input.data.version, locked: lock === 'on' ? true : lock === 'off' ? false : undefined, force: form.get('force') === 'on' };
    return attempt('labels', () => ok(api.PUT('/api/prompts/{id}/labels/{label}', { params: { path }, body })).catch((err) => {
      // The API's wording names its `force` field; here the same choice is a checkbox.
      if (err instanceof ApiError && err.code === 'label_locked') {
        throw new ApiError(err.status, err.code, `“${input.data.label}” is locked: tick “Move even if locked” to move it.`);
      }
      throw err;
    }));
  },
  deleteLabel: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    const label = labelForm.shape.label.safeParse(form.get('label'));
    if (!label.success) return fail(400, { error: 'Unknown label', where: 'labels' as const });
    // Removing a locked label is the explicit act of pressing its remove button.
    const query = form.get('locked') === 'true' ? { force: 'true' as const } : {};
    return attempt('labels', () => ok(api.DELETE('/api/prompts/{id}/labels/{label}', { params: { path: { id: event.params.id, label: label.data }, query } })));
  },
  fork: async (event) => {
    const api = await requireApi(event);
    let forked: Prompt;
    try {
      forked = await ok(api.POST('/api/prompts/{id}/fork', { params: { path: { id: event.params.id } }, body: {} }));
    } catch (err) {
      if (err instanceof ApiError) return fail(err.status, { error: err.message, where: 'page' as const });
      throw err;
    }
    redirect(303, `/prompts/${forked.id}`);
  },
  delete: async (event) => {
    const api = await requireApi(event);
    const result = await attempt('page', () => ok(api.DELETE('/api/prompts/{id}', { params: { path: { id: event.params.id } } })));
    if ('ok' in result) redirect(303, '/prompts');
    return result;
  },
};
