// What a turn is sent with (POST /chat's body beside the message), shared by the chat's state,
// its sender and its queue.

export interface Turn {
  provider: string;
  project_id?: string;
  model: string;
  /** null: no system prompt from the library, not even the one the chat keeps (the API drops it). */
  prompt_id?: string | null;
  prompt_version?: number;
  variables?: Record<string, string>;
  /** The message is the prompt rendered by the picker: attributed to it, not sent again as a system message. */
  prompt_in_message?: boolean;
  /** A new chat is named by its model on the server once its first answer is complete. */
  name_chat?: boolean;
  /** Continue: the API checks the last answer has text to go on from (409 nothing_to_continue). */
  continue?: boolean;
}

/** The library prompt a message was written from (the picker's), for its usage to count under. */
export interface PromptUse {
  prompt_id: string;
  prompt_version: number;
  title: string;
  /** The label the version was chosen by (`production`), named by the composer's chip. */
  label?: string | null;
}

/** What "Continue" sends: a new turn asking the model to go on from its cut answer. */
export const CONTINUE_MESSAGE = 'Continue exactly where your last answer stopped.';
