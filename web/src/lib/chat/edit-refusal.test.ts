// A refused edit goes back to its question's Edit box; only when that question is gone does it
// land in the message box, and then the alert says what sending it there does (QA9 #2).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/index.ts';
import { editRefusal, editToMessageBox, type ReturnedEdit } from './edit-refusal.ts';
import type { SendError } from './turn-sender.ts';

describe('editRefusal', () => {
  it('says the reason and that the edit was not sent, with the fix and whether Send again can work', () => {
    expect(editRefusal(new ApiError(402, 'budget_exceeded', 'Budget used up', { spent_usd: 5 }), 'demo')).toEqual({
      message: 'Budget used up. Your edit was not sent.', fix: { href: '/settings#budget', label: 'Change budget' }, resend: false,
    });
    expect(editRefusal(new ApiError(429, 'rate_limited', 'Slow down.', { retry_after_seconds: 2 }), 'demo')).toMatchObject({ resend: true, againAfterMs: 2000 });
    expect(editRefusal(new Error('Network down'), 'demo')).toMatchObject({ message: 'Network down. Your edit was not sent.', resend: true });
  });

  it("names the kept prompt's missing values, for its form to ask for them as for a send", () => {
    const missing = new ApiError(422, 'missing_variables', 'send it in variables', { kept_by: 'chat', variables: [{ name: 'client', problem: 'is missing' }] });
    expect(editRefusal(missing, 'demo')).toMatchObject({ keptPrompt: { code: 'missing_variables', missing: ['client'] }, message: expect.stringMatching(/needs values.*: client\./) });
    expect(editRefusal(new ApiError(402, 'budget_exceeded', 'Budget used up', {}), 'demo')).not.toHaveProperty('keptPrompt');
  });
});

describe('editToMessageBox', () => {
  const refused: ReturnedEdit = { messageId: 'u1', text: 'Edited', refusal: { message: 'Too long. Your edit was not sent.', fix: null, resend: false } };

  it('gives the text to the message box and says sending it there adds a new message', () => {
    const chat = { returnedEdit: refused, returnedDraft: null as string | null, sendError: null as SendError | null };
    editToMessageBox(chat, 'u1');
    expect(chat.returnedEdit).toBeNull();
    expect(chat.returnedDraft).toBe('Edited');
    expect(chat.sendError?.message).toBe('Too long. Your edit was not sent. Your edit is in the message box below: sending it there adds a new message, not a new version.');
    expect(chat.sendError?.retry).toBeNull();
  });

  it("leaves another question's refused edit alone", () => {
    const chat = { returnedEdit: refused, returnedDraft: null as string | null, sendError: null as SendError | null };
    editToMessageBox(chat, 'u2');
    expect(chat.returnedEdit).toBe(refused);
    expect(chat.returnedDraft).toBeNull();
  });
});
