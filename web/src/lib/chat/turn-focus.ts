/**
 * Keyboard focus across a turn that is drawn again. Regenerate (and an error's Retry), Edit's
 * "Save & resend" and the ‹ › arrows each replace the message they sit on: another row takes its
 * place in the view (the new answer, the other version), so the button that had focus was
 * removed and focus fell to <body>, sending a keyboard or screen-reader user back to the top of
 * the page (WCAG 2.4.3, focus order). Deleting a message removes it and the replies beneath it:
 * focus goes to the actions of the message before it, or to the composer when none is left above.
 * The chat view says which control of which turn was used;
 * as the turn is drawn again, focus goes to the same control of its new version. While that
 * control is not there yet (the new answer still streams, the arrows wait for the switch), a
 * focus that fell to <body> waits on the turn's message itself. Focus the person has moved
 * elsewhere meanwhile is left where it is.
 *
 *   const turnFocus = new TurnFocus(() => scroller);
 *   onRegenerate={() => { turnFocus.follow(chat.messages, index, 'regenerate'); … }}
 *   onDelete={() => { turnFocus.followDelete(chat.messages, index); … }}
 *   $effect(() => { …rows and their statuses read…; void tick().then(() => turnFocus.restore(chat.messages, settled)); });
 */

/** The controls of a message (`data-turn-control` on each: MessageItem, VersionSwitch). */
export type TurnControl = 'regenerate' | 'edit' | 'previous' | 'next';

interface Row {
  id: string;
  sender: string;
  parent_id?: string | null;
}

/**
 * Which turn the message at `index` is, the same for each of its versions: the message it follows
 * (in a branch that is the one shown before it; a draft still being sent has no parent id yet)
 * and who wrote it.
 */
export function turnOf(messages: readonly Row[], index: number): string {
  const message = messages[index]!;
  return `${messages[index - 1]?.id ?? message.parent_id ?? 'first'}>${message.sender}`;
}

/** The arrow to fall back on when the one used is at the end of the versions (‹ on 1/2). */
const OTHER: Partial<Record<TurnControl, TurnControl>> = { previous: 'next', next: 'previous' };

export class TurnFocus {
  /** The turn and control to come back to, and what holds focus meanwhile (the control used, then maybe the message). */
  private wanted: { turn: string; control: TurnControl; holder: Element | null } | null = null;
  /** The message being deleted, the one before it (null: the composer is next) and what holds focus meanwhile (Delete…). */
  private deleting: { id: string; before: string | null; holder: Element | null } | null = null;

  constructor(private readonly root: () => HTMLElement | undefined) {}

  /** `control` of the message at `index` was used: that turn is about to be drawn again. */
  follow(messages: readonly Row[], index: number, control: TurnControl): void {
    this.wanted = { turn: turnOf(messages, index), control, holder: document.activeElement };
  }

  /** The message at `index` is being deleted, with the replies beneath it. */
  followDelete(messages: readonly Row[], index: number): void {
    this.deleting = { id: messages[index]!.id, before: messages[index - 1]?.id ?? null, holder: document.activeElement };
  }

  /**
   * After the view drew its rows: focus the wanted control of the turn's version now shown.
   * `settled`: nothing more is coming for it (no answer streaming, no switch or send under way),
   * so a control still missing will not come: the other arrow, else the message, takes focus.
   */
  restore(messages: readonly Row[], settled: boolean): void {
    this.restoreAfterDelete(messages);
    const wanted = this.wanted;
    const root = this.root();
    if (!wanted || !root) return;
    const active = document.activeElement;
    const lost = !active || active === document.body;
    if (!lost && active !== wanted.holder) {
      this.wanted = null; // the person went on elsewhere: leave them there
      return;
    }
    const index = messages.findIndex((_, i) => turnOf(messages, i) === wanted.turn);
    const article = index === -1 ? null : root.querySelector<HTMLElement>(`article[data-message-id="${CSS.escape(messages[index]!.id)}"]`);
    if (!article) {
      if (settled) this.wanted = null;
      return;
    }
    const other = OTHER[wanted.control];
    const control = usable(article, wanted.control) ?? (settled && other ? usable(article, other) : null);
    if (control) {
      control.focus();
      this.wanted = null;
    } else if (lost || settled) {
      // Not there yet (or not at all): the message holds focus, in the tab order where the control will be.
      if (!article.hasAttribute('tabindex')) article.tabIndex = -1;
      article.focus({ preventScroll: true });
      wanted.holder = article;
      if (settled) this.wanted = null;
    }
  }

  /**
   * Once the message being deleted is gone from the view (until then, or when the delete failed,
   * focus stays on its Delete…), focus the actions of the message before it, or the composer.
   */
  private restoreAfterDelete(messages: readonly Row[]): void {
    const deleting = this.deleting;
    const root = this.root();
    if (!deleting || !root || messages.some((m) => m.id === deleting.id)) return;
    this.deleting = null;
    const active = document.activeElement;
    if (active && active !== document.body && active !== deleting.holder) return; // the person went on elsewhere
    const before = deleting.before ? root.querySelector<HTMLElement>(`article[data-message-id="${CSS.escape(deleting.before)}"]`) : null;
    if (before) {
      const action = firstAction(before);
      if (action) return action.focus();
      if (!before.hasAttribute('tabindex')) before.tabIndex = -1;
      return before.focus({ preventScroll: true });
    }
    document.getElementById('composer')?.focus();
  }
}

/** The first control of a message's actions (Copy, the ‹ › arrows…) that can take focus. */
function firstAction(article: HTMLElement): HTMLElement | null {
  const controls = article.querySelectorAll<HTMLElement>('[data-message-actions] :is(button, a[href])');
  return [...controls].find((c) => !(c instanceof HTMLButtonElement && c.disabled)) ?? null;
}

function usable(article: HTMLElement, control: TurnControl): HTMLElement | null {
  const found = article.querySelector<HTMLButtonElement>(`[data-turn-control="${control}"]`);
  return found && !found.disabled ? found : null;
}
