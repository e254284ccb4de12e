// The chat's kept system prompt in one tab: its title and version for the chip (read from the
// library: GET /prompts/{id} answers for the person's own prompts and anyone's public one),
// the variables its template needs, the values typed for them (kept-prompt.ts keeps them in
// the tab), and what each turn sends for it. A turn that would need values not typed yet asks
// for them first (`guard`), and a turn the server still refuses for them (its template changed,
// or a group member cannot read the owner's prompt to know them) asks then and goes again.
// "Remove" sends the next turns with `prompt_id: null`, with which the API drops the prompt. The
// chip follows the chat as it changes elsewhere (`follow`: another tab or device removed the
// prompt with its turn, or a script named another), from the chat's row as Realtime brings it.
import { browserApi, ok } from '$lib/api';
import { extractVariables, type TemplateVariable } from '$lib/prompt-variables';
import { filledValues, readKeptChoice, sameKeptPrompt, writeKeptChoice, type KeptPromptRef } from '$lib/chat/kept-prompt';

/** What a turn of this chat sends for its kept prompt (merged into POST /chat's body). */
export type KeptPromptFields = { variables?: Record<string, string>; prompt_id?: null };

/** A library prompt the person put into the message with the `/` picker, attributed to its version. */
export type InsertedPrompt = { prompt_id: string; prompt_version?: number; prompt_in_message: true };

/** A turn waiting for the values: sent once they are given, or given back when the person closes the form. */
interface Asked {
  go: () => void;
  giveBack?: () => void;
}

export class KeptPrompt {
  ref = $state<KeptPromptRef | null>(null);
  /** The prompt's title, once read (null: not yet, or the person cannot read it). */
  title = $state<string | null>(null);
  /** The version its template was read at (the label's, the pinned one, or the newest). */
  version = $state<number | null>(null);
  /** The prompt could not be read: deleted, no longer shared, or the chat owner's own (a member's view). */
  unreadable = $state(false);
  variables = $state<TemplateVariable[]>([]);
  values = $state<Record<string, string>>({});
  /** The person chose to go on without it: turns send `prompt_id: null`. */
  dropped = $state(false);
  /** The form is open for these variables; the turn waiting for them, if any. */
  asking = $state<Asked | null>(null);
  /** The turn that last went through `guard`, to go again after a refusal. */
  private last: Asked | null = null;

  constructor(
    private readonly userId: string | null,
    private readonly sessionId: string | null,
    ref: KeptPromptRef | null,
  ) {
    this.ref = sessionId ? ref : null;
    if (!sessionId || !ref) return;
    const kept = readKeptChoice(userId, sessionId);
    this.values = kept.values;
    this.dropped = kept.dropped;
  }

  /** Whether the chip shows: the chat keeps a prompt and the person has not dropped it. */
  get shown(): boolean {
    return this.ref !== null && !this.dropped;
  }

  /** What the chip names after the title: the label it follows, or the version. */
  get versionName(): string | null {
    if (this.ref?.label) return this.ref.label;
    const version = this.ref?.version ?? this.version;
    return version ? `v${version}` : null;
  }

  /** Required variables without a value typed: the turn would be refused. */
  get missing(): TemplateVariable[] {
    return this.variables.filter((v) => v.required && !(this.values[v.name] ?? '').trim());
  }

  /**
   * The chat's prompt as its row now says (another tab or device removed it, or a turn named
   * another): the chip shows it, read again, or goes. A choice made here about the prompt it had
   * (its removal not sent yet) does not hold for another prompt, and a form open for the old
   * one gives its turn back to where it came from. A new chat (no session yet) keeps none.
   */
  follow(ref: KeptPromptRef | null): void {
    if (!this.sessionId || sameKeptPrompt(ref, this.ref)) return;
    this.ref = ref;
    this.dropped = false;
    this.title = null;
    this.version = null;
    this.unreadable = false;
    this.variables = [];
    if (this.asking) this.cancel();
    this.save();
    if (ref) void this.load();
  }

  /** Reads the prompt's title and the variables of the version the chat uses. */
  async load(): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    const api = browserApi();
    try {
      const prompt = await ok(api.GET('/api/prompts/{id}', { params: { path: { id: ref.id } } }));
      const version = ref.version ?? prompt.labels?.find((l) => l.label === ref.label)?.version ?? prompt.latest_version;
      const content = version === prompt.latest_version
        ? prompt.content
        : (await ok(api.GET('/api/prompts/{id}/versions/{version}', { params: { path: { id: ref.id, version } } }))).content;
      if (this.ref !== ref) return; // the chat moved on to another prompt meanwhile (`follow`)
      this.title = prompt.title;
      this.version = version;
      this.variables = extractVariables(content);
    } catch {
      if (this.ref !== ref) return;
      // The server decides on each turn; a prompt it cannot use is said then (chat_prompt_unavailable).
      this.unreadable = true;
    }
  }

  /** What each turn sends: `prompt_id: null` once dropped, else the values typed (if any). */
  turnFields(): KeptPromptFields {
    if (!this.ref) return {};
    if (this.dropped) return { prompt_id: null };
    const filled = filledValues(this.values);
    return Object.keys(filled).length ? { variables: filled } : {};
  }

  /**
   * What a turn with a `/`-inserted prompt sends. The insert is text in the message: it never
   * becomes the chat's prompt (the API keeps the chat's as it was), so once the person removed
   * the chat's prompt the removal still goes with this turn — the insert's own prompt_id would
   * have replaced the `prompt_id: null` and the chat would have gone on answering with the prompt
   * the chip no longer showed. The insert is then not attributed to its version in usage.
   */
  turnFieldsWith(inserted: InsertedPrompt | null): KeptPromptFields | (Omit<KeptPromptFields, 'prompt_id'> & InsertedPrompt) {
    const fields = this.turnFields();
    if (!inserted || fields.prompt_id === null) return fields;
    return { ...fields, ...inserted };
  }

  /** Runs a turn now, or once the values it needs are given (`giveBack`: the form was closed instead). */
  guard(go: () => void, giveBack?: () => void): void {
    this.last = { go, giveBack };
    if (this.shown && this.missing.length > 0) this.asking = this.last;
    else go();
  }

  /** The server refused a turn for values: the form asks for them (by name, when the template could not be read). */
  askAfterRefusal(missing: string[], again: () => void): void {
    const known = new Set(this.variables.map((v) => v.name));
    const unknown = missing.filter((name) => !known.has(name));
    this.variables = [...this.variables, ...unknown.map((name) => ({ name, type: 'string' as const, options: [], default: null, required: true }))];
    this.asking = { go: again };
  }

  /** Opens the form without a turn waiting (the chip's "Values"). */
  edit(): void {
    this.asking = { go: () => {} };
  }

  /** The form's values: kept for the chat in this tab, and the waiting turn goes. */
  answer(values: Record<string, string>): void {
    this.values = { ...values };
    this.save();
    const waiting = this.asking;
    this.asking = null;
    waiting?.go();
  }

  /** The form closed without values: a turn waiting for them goes back to where it came from. */
  cancel(): void {
    const waiting = this.asking;
    this.asking = null;
    waiting?.giveBack?.();
  }

  /** Goes on without the prompt: this and later turns send `prompt_id: null`. `again`: the refused turn, sent now. */
  drop(again?: () => void): void {
    this.dropped = true;
    this.asking = null;
    this.save();
    again?.();
  }

  /** The turn that last went through `guard`, for going again after a refusal. */
  get lastTurn(): (() => void) | null {
    return this.last?.go ?? null;
  }

  private save(): void {
    if (this.sessionId) writeKeptChoice(this.userId, this.sessionId, { values: filledValues(this.values), dropped: this.dropped });
  }
}
