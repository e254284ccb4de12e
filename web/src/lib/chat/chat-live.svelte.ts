// A chat view's live feed, for every tab and device that has the chat open: the session's rows,
// its title and the library prompt it keeps (Postgres Changes), the running answer's text, a rename and what changes who is
// in the chat (Broadcast on the private channel session:<id>, or session:<id>:<epoch> once
// someone was removed), and who is here and typing (Presence on each person's own topic,
// lib/chat/person-presence.ts). Call it while a component initialises: its effects follow the
// chat's session as it gets one and stop with the component — and once this person was removed
// from the chat (or it was deleted): its channels would only be refused from then on, and a
// channel that keeps failing to rejoin reads as a lost connection ("Reconnecting…").
import { untrack } from 'svelte';
import { browserApi, ok } from '$lib/api';
import { newestReads } from '$lib/ordered-reads';
import { watchPrivateChannel, watchTables } from '$lib/realtime';
import { signalReads } from '$lib/signal-reads';
import { branchSwitched, chatRenamed, deletedRow, memberRemoved, messageRow, sessionRow } from '$lib/realtime-rows';
import { isLaterEpoch } from './channel-epoch';
import type { ChatState } from './chat-state.svelte';
import type { GroupChat } from './group.svelte';
import { callEnded } from './call-ends';
import { peopleChanged } from './people-changes';
import { personTopic, PersonTopics } from './person-presence';
import { TitleVersions } from './title-versions';

export interface ChatLiveOptions {
  /** The signed-in person (null while signed out: no presence). */
  userId: () => string | null;
  /** The chat's channel epoch as the page loaded it (0 until someone is removed). */
  channelEpoch: number;
  /** The chat was named or renamed (here, on another device, or by its model). */
  onTitle: (title: string) => void;
  /** The chat's project as its row now says (moved in another tab, or its project deleted: null). */
  onProject: (projectId: string | null) => void;
  /** The chat's `metadata.prompt` as its row now says (removed or replaced by another tab's, device's or script's turn). */
  onKeptPrompt: (prompt: unknown) => void;
}

export function followChatLive(chat: ChatState, group: GroupChat, options: ChatLiveOptions): void {
  // The session channel moves to a new epoch when someone is removed (the API's sessionTopic);
  // the old topic's member_removed names it, as do chat_sessions UPDATEs and every rejoin's read
  // of the session, and this view joins the new one (the later epoch wins: channel-epoch.ts).
  let channelEpoch = $state(options.channelEpoch);
  const followEpoch = (epoch: number | undefined) => {
    if (epoch !== undefined && isLaterEpoch(epoch, channelEpoch)) channelEpoch = epoch;
  };

  // Signals come in bursts (an invitation, key sharing, an acceptance): their reads may answer
  // out of order, and an older list must not replace a newer one (a newcomer would go unseen,
  // and their presence unfollowed, until the next signal).
  const people = newestReads(
    (id: string) => ok(browserApi().GET('/api/sessions/{id}/members', { params: { path: { id } } })),
    (members) => group.update(members),
  );

  // The title, the branch shown, the kept prompt and the channel epoch as of a (re)join of the rows' channel: an
  // update committed while no channel was listening is not delivered — the model names a new chat
  // right after its first answer, often while the page that asked is still loading the chat (a
  // browser journey caught the page keeping the first line as its title), and a view that missed
  // the epoch moving on would keep listening where no answer is broadcast any more. An update that arrives over the
  // channel after this read began is at least as new, and wins (lib/ordered-reads.ts: it
  // supersedes the reads on their way).
  const session = newestReads(
    (id: string) => ok(browserApi().GET('/api/sessions/{id}', { params: { path: { id } } })),
    (read) => {
      if (read.title) titles.offer(read.title, read.title_version);
      options.onProject(read.project_id);
      options.onKeptPrompt(read.metadata.prompt);
      chat.followLeaf(read.active_leaf_id);
      followEpoch(read.channel_epoch);
    },
  );
  // The title on every road with its version: the newest one heard of is shown (title-versions.ts).
  const titles = new TitleVersions(options.onTitle, () => (chat.sessionId ? session.read(chat.sessionId) : Promise.resolve()));
  $effect(() => () => titles.stop());

  // Live rows for this session, and its title (set after the first answer, or renamed elsewhere).
  $effect(() => {
    const id = chat.sessionId;
    if (!id || group.removed) return;
    return watchTables(`messages:${id}`, [
      {
        table: 'messages',
        filter: `session_id=eq.${id}`,
        onChange: (change) => {
          if (change.eventType === 'DELETE') {
            const old = deletedRow.safeParse(change.old);
            if (old.success) chat.removeRemote(old.data.id);
          } else {
            const row = messageRow.safeParse(change.new);
            if (row.success) chat.applyRemote(row.data);
          }
        },
      },
      {
        table: 'chat_sessions',
        event: 'UPDATE',
        filter: `id=eq.${id}`,
        onChange: (change) => {
          const row = sessionRow.safeParse(change.new);
          if (!row.success) return;
          session.supersede();
          titles.offer(row.data.title, row.data.title_version);
          options.onProject(row.data.project_id);
          if (row.data.metadata) options.onKeptPrompt(row.data.metadata.prompt);
          // Another tab switched the branch (or regenerated, edited): follow it.
          chat.followLeaf(row.data.active_leaf_id);
          followEpoch(row.data.channel_epoch);
        },
      },
      ...group.endings(id),
    ], () => {
      // A new chat whose rows are not committed yet has no session to read (404): its read waits
      // for them (below), as its people's does.
      if (chat.rowsPending) sessionReadHeld = true;
      else void session.read(id);
      void chat.joinedChannel('rows').catch(() => {});
    });
  });
  // The session read a join held back, made once the rows are committed (`stored`). A plain
  // variable: the effect runs again when `rowsPending` changes, not when this does.
  let sessionReadHeld = false;
  $effect(() => {
    const id = chat.sessionId;
    if (!id || chat.rowsPending || !sessionReadHeld) return;
    sessionReadHeld = false;
    void session.read(id);
  });

  // The running answer's text, as other tabs, devices and people stream it, and what changes
  // who is in the chat.
  $effect(() => {
    const id = chat.sessionId;
    if (!id || group.removed) return;
    const topic = channelEpoch > 0 ? `session:${id}:${channelEpoch}` : `session:${id}`;
    // The database sends `members_changed` with its commit, which other sessions may not see yet
    // for a moment (lib/signal-reads.ts): its read is made again a moment later. An open People
    // panel reads (and settles) its own lists.
    const signals = signalReads();
    const peopleRead = () => {
      signals.read('people', () => people.read(id));
      peopleChanged(id);
    };
    const watch = watchPrivateChannel(topic, {
      delta: (payload) => chat.applyBroadcast('delta', payload),
      reasoning: (payload) => chat.applyBroadcast('reasoning', payload),
      saving: (payload) => chat.applyBroadcast('saving', payload),
      done: (payload) => chat.applyBroadcast('done', payload),
      // The chat was named or renamed (the database says so with the commit,
      // 20261206050000_signal_session_renames.sql): the chat_sessions update that carries the
      // title may not be delivered. The message names the title's version (20261207190000), not
      // the title: it can arrive before a read sees the rename, so the view reads until one shows
      // that version; a message without one has the session read.
      renamed: (payload) => {
        // Named by its model, the naming call was logged first: the budget's banner follows it.
        callEnded();
        const version = chatRenamed.safeParse(payload).data?.title_version;
        if (version !== undefined) titles.named(version);
        else void session.read(id);
      },
      // Another tab or device switched the branch shown (20261206063000_signal_branch_switches.sql),
      // a second road beside the chat_sessions update, as for a rename. It names the leaf
      // (20261207170000): it can arrive before a read sees the switch, so the view reads until
      // one does (ChatState.followLeaf); a message without one has the session read.
      branch: (payload) => {
        const leaf = branchSwitched.safeParse(payload).data?.active_leaf_id;
        if (leaf) chat.followLeaf(leaf);
        else void session.read(id);
      },
      // Someone joined, a role changed, or key sharing was turned on or off.
      members_changed: peopleRead,
      // Someone was removed or left: the chat's channel has moved to a new epoch (the database
      // says so on the old topic in the same transaction, and names the new epoch since
      // 20261207190000: a read made now may not see the move yet). The chat_sessions update that
      // says so too may not be delivered; the message moves this view either way (one without an
      // epoch has the session read).
      member_removed: (payload) => {
        const removal = memberRemoved.safeParse(payload).data;
        if (removal?.user_id !== undefined && removal.user_id === options.userId()) group.leave();
        else {
          // A deleted account's messages show "Former member" without a reload; a member who
          // left or was removed keeps their name.
          if (removal?.user_id !== undefined) group.personRemoved(removal.user_id, removal.reason === 'account_deleted');
          if (removal?.channel_epoch !== undefined) followEpoch(removal.channel_epoch);
          else void session.read(id);
          peopleChanged(id);
        }
      },
    }, () => {
      void chat.joinedChannel('broadcast').catch(() => {});
      // A `members_changed` sent while the channel was (re)joining was not delivered. A new
      // chat whose rows are not committed yet has no members to read: the read after `stored` does.
      if (!chat.rowsPending) people.read(id);
      peopleChanged(id);
    });
    return () => {
      signals.stop();
      watch.stop();
    };
  });

  // This person's presence on their own topic, the others' followed on theirs — joined and left
  // as the participants list changes, all moved when the channel epoch does. The name shown is
  // the topic's person's.
  $effect(() => {
    const id = chat.sessionId;
    const epoch = channelEpoch;
    const me = options.userId();
    if (!id || !me || group.removed) return;
    const own = watchPrivateChannel(personTopic(id, epoch, me), {}, undefined, { key: me, onSync: () => {} });
    untrack(() => group.attach(own));
    const topics = new PersonTopics(
      (person) => watchPrivateChannel(personTopic(id, epoch, person), {}, undefined, { key: me, onSync: (state) => group.syncPerson(person, state) }).stop,
      (person) => group.forget(person),
    );
    $effect(() => {
      const followed = group.followed;
      untrack(() => topics.follow(followed));
    });
    return () => {
      topics.stop();
      group.detach();
      own.stop();
    };
  });

  // A new chat got its session (or one opened without its participants): read who is in it —
  // once its rows are committed. Its id comes with the answer's first event, which may stream
  // before them (`meta.stored === false`); read then, it answered 404 (QA17 #3).
  let peopleRead = false;
  $effect(() => {
    const id = chat.sessionId;
    if (!id || chat.rowsPending || peopleRead || group.people.length > 0) return;
    peopleRead = true;
    people.read(id);
  });
}
