// Settings: profile and defaults, provider keys (only hints ever come back), export, account deletion.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { withLinkMessage } from '$lib/link-messages';
import { loadProviders } from '$lib/server/providers';
import { DEFAULT_THEME, rememberTheme, Theme } from '$lib/server/theme';
import type { Actions, PageServerLoad } from './$types';

const provider = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/);
const profileForm = z.object({
  display_name: z.string().trim().min(1, 'Enter a display name').max(100),
  custom_instructions: z.string().max(8000),
  default_model: z.string().max(200),
  // A checkbox: sent as "on" when ticked, absent when not.
  auto_title: z.literal('on').optional(),
});
const budgetForm = z.object({
  monthly_budget_usd: z.union([
    z.literal('').transform(() => null),
    z.coerce.number('Enter an amount in dollars').min(0, 'A budget cannot be negative').max(1_000_000).transform((n) => Math.round(n * 100) / 100),
  ]),
});
const keyForm = z.object({
  provider,
  api_key: z.string().trim().max(4096),
  // Absent for a provider at a fixed address (OpenAI, Anthropic): their rows have no such field.
  base_url: z.union([z.literal(''), z.url('Enter a full URL, e.g. https://example.com/v1')]).default(''),
});

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  try {
    const [profile, providers, budget, deletionImpact] = await Promise.all([
      ok(api.GET('/api/me')), loadProviders(api), ok(api.GET('/api/budget')),
      // What deleting the account would do to others; the page says so when it cannot tell.
      ok(api.GET('/api/me/deletion-impact')).catch(() => null),
    ]);
    const prefs = profile.preferences;
    return {
      profile: { display_name: profile.display_name, custom_instructions: profile.custom_instructions },
      budget,
      deletionImpact,
      // The profile's: the theme cookie follows it (the root layout, which runs beside this load).
      theme: Theme.catch(DEFAULT_THEME).parse(prefs.theme),
      autoTitle: prefs.auto_title !== false,
      defaultModel: prefs.default_provider && prefs.default_model ? `${prefs.default_provider}/${prefs.default_model}` : '',
      usable: providers.usable.map((p) => ({ id: p.id, name: p.name, any_model: p.any_model, models: p.models.map((m) => ({ id: m.id, name: m.name })) })),
      providers: providers.all.map((p) => {
        const stored = providers.credentials.find((c) => c.provider === p.id);
        return {
          id: p.id,
          name: p.name,
          requires_key: p.requires_key,
          base_url_mode: p.base_url_mode,
          credential: stored ? { key_hint: stored.key_hint, base_url: stored.base_url, updated_at: stored.updated_at, check_status: stored.check_status } : null,
        };
      }),
    };
  } catch (err) {
    loadFailed(err);
  }
};

function failed(err: unknown, extra: Record<string, unknown> = {}) {
  if (err instanceof ApiError) return fail(err.status, { ...extra, error: err.message });
  throw err;
}

export const actions: Actions = {
  saveProfile: async (event) => {
    const api = await requireApi(event);
    const input = profileForm.safeParse(Object.fromEntries(await event.request.formData()));
    if (!input.success) return fail(400, { section: 'profile', error: input.error.issues[0].message });
    const [default_provider, ...rest] = input.data.default_model.split('/');
    const preferences = {
      ...(input.data.default_model ? { default_provider, default_model: rest.join('/') } : { default_provider: null, default_model: null }),
      auto_title: input.data.auto_title === 'on',
    };
    try {
      await ok(api.PATCH('/api/me', { body: { display_name: input.data.display_name, custom_instructions: input.data.custom_instructions, preferences } }));
      return { section: 'profile', saved: true };
    } catch (err) {
      return failed(err, { section: 'profile' });
    }
  },
  saveTheme: async (event) => {
    const api = await requireApi(event);
    const theme = Theme.safeParse((await event.request.formData()).get('theme'));
    if (!theme.success) return fail(400, { section: 'theme', error: 'Pick System, Light or Dark' });
    try {
      await ok(api.PATCH('/api/me', { body: { preferences: { theme: theme.data } } }));
    } catch (err) {
      return failed(err, { section: 'theme' });
    }
    const { claims } = await event.locals.safeGetSession();
    if (claims) rememberTheme(event.cookies, theme.data, event.url, claims.sub);
    return { section: 'theme', toast: `Theme set to ${theme.data}.` };
  },
  saveBudget: async (event) => {
    const api = await requireApi(event);
    const input = budgetForm.safeParse(Object.fromEntries(await event.request.formData()));
    if (!input.success) return fail(400, { section: 'budget', error: input.error.issues[0].message });
    try {
      await ok(api.PUT('/api/budget', { body: { monthly_budget_usd: input.data.monthly_budget_usd } }));
      return { section: 'budget', saved: true };
    } catch (err) {
      return failed(err, { section: 'budget' });
    }
  },
  saveKey: async (event) => {
    const api = await requireApi(event);
    const form = Object.fromEntries(await event.request.formData());
    const input = keyForm.safeParse(form);
    // The message goes beside the row it is about, whose form stays open with what was typed.
    const row = provider.safeParse(form.provider).data;
    if (!input.success) return fail(400, { section: 'keys', ...(row ? { provider: row } : {}), error: input.error.issues[0].message });
    const { provider: id, api_key, base_url } = input.data;
    try {
      // A keyless provider (Ollama) is saved with its base URL only: no empty api_key.
      const body = { ...(api_key ? { api_key } : {}), ...(base_url ? { base_url } : {}) };
      await ok(api.PUT('/api/credentials/{provider}', { params: { path: { provider: id } }, body }));
    } catch (err) {
      return failed(err, { section: 'keys', provider: id });
    }
    // Saved, then checked as Verify does (one of the user's provider-key checks): a key the
    // provider refuses is kept — the person may be fixing the account behind it — but said so,
    // and shown as "Key refused" wherever the key's state shows (QA4 #1).
    try {
      const check = await ok(api.POST('/api/credentials/{provider}/verify', { params: { path: { provider: id } } }));
      return { section: 'keys', provider: id, saved: true, verified: check.ok, checkStatus: check.status, verifyMessage: check.message };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { section: 'keys', provider: id, saved: true, checkError: err.message };
    }
  },
  deleteKey: async (event) => {
    const api = await requireApi(event);
    const id = provider.safeParse((await event.request.formData()).get('provider'));
    if (!id.success) return fail(400, { section: 'keys', error: 'Unknown provider' });
    try {
      await ok(api.DELETE('/api/credentials/{provider}', { params: { path: { provider: id.data } } }));
      return { section: 'keys', provider: id.data, deleted: true };
    } catch (err) {
      return failed(err, { section: 'keys', provider: id.data });
    }
  },
  verifyKey: async (event) => {
    const api = await requireApi(event);
    const id = provider.safeParse((await event.request.formData()).get('provider'));
    if (!id.success) return fail(400, { section: 'keys', error: 'Unknown provider' });
    try {
      const result = await ok(api.POST('/api/credentials/{provider}/verify', { params: { path: { provider: id.data } } }));
      return { section: 'keys', provider: id.data, verified: result.ok, checkStatus: result.status, verifyMessage: result.message };
    } catch (err) {
      return failed(err, { section: 'keys', provider: id.data });
    }
  },
  archiveAllChats: async (event) => {
    const api = await requireApi(event);
    try {
      const { archived } = await ok(api.POST('/api/sessions/archive-all'));
      return { section: 'chats', toast: archived === 0 ? 'No chats to archive.' : `Archived ${archived} chat${archived === 1 ? '' : 's'}.` };
    } catch (err) {
      return failed(err, { section: 'chats' });
    }
  },
  deleteAllChats: async (event) => {
    const api = await requireApi(event);
    if ((await event.request.formData()).get('confirm') !== 'delete all chats') return fail(400, { section: 'chats', error: 'Confirm deleting all chats first' });
    try {
      const { deleted } = await ok(api.DELETE('/api/sessions', { params: { query: { all: 'true' } } }));
      return { section: 'chats', toast: deleted === 0 ? 'No chats to delete.' : `Deleted ${deleted} chat${deleted === 1 ? '' : 's'}.` };
    } catch (err) {
      return failed(err, { section: 'chats' });
    }
  },
  deleteAccount: async (event) => {
    const api = await requireApi(event);
    const form = await event.request.formData();
    if (form.get('confirm') !== 'delete my account') {
      return fail(400, { section: 'account', error: 'Type “delete my account” to confirm' });
    }
    try {
      await ok(api.DELETE('/api/me'));
    } catch (err) {
      return failed(err, { section: 'account' });
    }
    await event.locals.supabase.auth.signOut({ scope: 'local' });
    // Said on the sign-in page, or an empty sign-in form is all that shows it worked.
    redirect(303, withLinkMessage('/login', { notice: 'account_deleted' }));
  },
};
