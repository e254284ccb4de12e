// What the People panel says when its lists change under it: someone accepted, an invitation went,
// someone left — and, when an action on a row is refused because that row is gone, what happened
// to it instead, from a fresh read ("carol@… has already accepted"), never the API's bare "not
// found".

/** The panel's two lists, as far as these sentences need them. */
export interface PeopleLists {
  people: { user_id: string; display_name: string; email: string | null; role: string }[];
  pending: { email: string }[];
}

const label = (person: PeopleLists['people'][number]) => person.email ?? person.display_name;
const has = (lists: PeopleLists, email: string) => lists.people.some((p) => p.email === email);

/** Sentences for what changed from `before` to `after` (nothing for no change). */
export function peopleNews(before: PeopleLists, after: PeopleLists): string[] {
  const news: string[] = [];
  for (const person of after.people) {
    if (!before.people.some((p) => p.user_id === person.user_id)) news.push(`${label(person)} joined.`);
  }
  for (const { email } of before.pending) {
    if (!after.pending.some((i) => i.email === email) && !has(after, email)) news.push(`The invitation of ${email} is gone: declined, or cancelled elsewhere.`);
  }
  for (const person of before.people) {
    if (!after.people.some((p) => p.user_id === person.user_id)) news.push(`${label(person)} is no longer in this chat.`);
  }
  return news;
}

/** What to say when an action on `target` found it gone (404), given the lists read afterwards. */
export function goneSentence(target: { invitation: string } | { person: PeopleLists['people'][number] }, after: PeopleLists): string {
  if ('person' in target) {
    return after.people.some((p) => p.user_id === target.person.user_id)
      ? `Could not change ${label(target.person)}: try again.`
      : `${label(target.person)} is no longer in this chat.`;
  }
  const email = target.invitation;
  if (has(after, email)) return `${email} has already accepted: they are in this chat.`;
  if (after.pending.some((i) => i.email === email)) return `The invitation of ${email} changed meanwhile: try again.`;
  return `${email} is no longer invited: they declined, or it was cancelled elsewhere.`;
}
