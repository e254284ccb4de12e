// A conversation (or a new one): its first page of messages, plus the models the user can pick.
import { ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { openChat } from '$lib/server/message-jump';
import { keptPromptOf } from '$lib/chat/kept-prompt';
import { loadProviders, pickDefaults } from '$lib/server/providers';
import type { PageServerLoad } from './$types';

const finiteOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const id = event.params.id ?? null;
  // A load only reads: ?message=<id> (a search hit) changes nothing here. The hit's click switched
  // the branch first (routes/chat/ChatSearch.svelte); this address opened any other way — a link
  // from another site, a new tab, the preload as the pointer rests on the hit — shows the chat as
  // it is, never moving what its members and a live share link see. It opens on that message when
  // the branch shown holds it (a window around it, however far back: lib/server/message-jump.ts), and says why not otherwise.
  try {
    const [providers, profile, session, opened, latest, members] = await Promise.all([
      loadProviders(api),
      ok(api.GET('/api/me')),
      id ? ok(api.GET('/api/sessions/{id}', { params: { path: { id } } })) : null,
      id ? openChat(api, id, event.url.searchParams.get('message')) : null,
      // A new chat starts with the model of the most recent one.
      id ? null : ok(api.GET('/api/sessions', { params: { query: { limit: 1 } } })).then((body) => body.sessions[0]),
      // Who is in the chat (group chats: authors' names, whose key answers).
      id ? ok(api.GET('/api/sessions/{id}/members', { params: { path: { id } } })) : null,
    ]);
    const meta = (session ?? latest)?.metadata ?? {};
    const prefs = profile.preferences;
    // A member whose chat's owner shares their key can use the chat's provider without a key of their own.
    const shared = session?.role === 'member' && session.share_owner_key
      ? providers.all.filter((p) => p.id === meta.provider && !providers.usable.some((u) => u.id === p.id))
      : [];
    const usable = [...shared, ...providers.usable];
    return {
      // The sidebar's invitations say who the chat's people will see.
      displayName: profile.display_name,
      session: session ? { id: session.id, title: session.title, project_id: session.project_id, archived: session.archived_at !== null } : null,
      projectId: session?.project_id ?? event.url.searchParams.get('project'),
      page: opened?.page ?? null,
      /** The message a search hit opens the chat on (?message=), and whether it is shown. */
      jump: opened?.jump ?? null,
      // shared: answered with the owner's key, so the member has no key of their own to ask the provider's list with.
      // refused: the user's own key, refused by its provider when last checked (Send says so).
      providers: usable.map(({ id, name, models, any_model }) => {
        const byOwner = shared.some((p) => p.id === id);
        return { id, name, models, any_model, shared: byOwner, refused: !byOwner && providers.refused.has(id) };
      }),
      group: session && members
        ? { role: session.role, participants: members.participants, share_owner_key: members.share_owner_key, channel_epoch: session.channel_epoch }
        : null,
      // A new chat passes over a key its provider refused (QA 5 #3); an open chat keeps its model,
      // and Send says why it cannot send with it.
      defaults: pickDefaults(
        usable,
        id ? new Set() : providers.refused,
        // A link may choose the model of a new chat (the first-run "Start a chat with the demo").
        id ? undefined : { provider: event.url.searchParams.get('provider'), model: event.url.searchParams.get('model') },
        { provider: meta.provider, model: meta.model },
        { provider: prefs.default_provider, model: prefs.default_model },
      ),
      promptId: event.url.searchParams.get('prompt'),
      // The library prompt the chat keeps as its system prompt (a chat started through the API with one).
      keptPrompt: keptPromptOf(session?.metadata.prompt),
      autoTitle: prefs.auto_title !== false,
      // The composer says a message is too long before it is sent (MAX_MESSAGE_CHARS).
      maxMessageChars: providers.maxMessageChars,
      // The answer settings its last turn used; a new chat starts from the model's defaults.
      settings: { temperature: finiteOrNull(session?.metadata.temperature), max_tokens: finiteOrNull(session?.metadata.max_tokens) },
    };
  } catch (err) {
    loadFailed(err, 'This chat does not exist. It may have been deleted, or it was never shared with you.');
  }
};
