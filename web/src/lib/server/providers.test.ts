import { describe, expect, it } from 'vitest';
import type { Provider } from '$lib/api';
import { pickDefaults } from './providers';

const provider = (id: string, models: string[], any_model = false) =>
  ({ id, name: id, models: models.map((m) => ({ id: m, name: m })), any_model }) as unknown as Provider;

describe('pickDefaults', () => {
  // As loadProviders orders them: keys set up first, then the demo, a refused key last.
  const usable = [provider('openai', ['gpt-4o']), provider('demo', ['demo-echo']), provider('custom', [], true)];

  it("takes the last chat's choice, else the profile's, else the first usable", () => {
    const none = new Set<string>();
    expect(pickDefaults(usable, none, { provider: 'custom', model: 'fake-model' })).toEqual({ provider: 'custom', model: 'fake-model' });
    expect(pickDefaults(usable, none, { provider: 'gone' }, { provider: 'demo' })).toEqual({ provider: 'demo', model: 'demo-echo' });
    expect(pickDefaults(usable, none)).toEqual({ provider: 'openai', model: 'gpt-4o' });
  });

  it('passes over a provider whose key was refused, in every choice and as the fallback (QA 5 #3)', () => {
    const refused = new Set(['custom']);
    // The last chat used the key that is now refused, and so does the profile's default.
    expect(pickDefaults(usable, refused, { provider: 'custom', model: 'fake-model' }, { provider: 'custom' })).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(pickDefaults(usable, refused, { provider: 'custom', model: 'fake-model' }, { provider: 'demo' })).toEqual({ provider: 'demo', model: 'demo-echo' });
    const onlyDemo = [provider('custom', [], true), provider('demo', ['demo-echo'])];
    expect(pickDefaults(onlyDemo, refused)).toEqual({ provider: 'demo', model: 'demo-echo' });
    // Nothing else to start on: the refused one, and Send says why it cannot send.
    expect(pickDefaults([provider('custom', ['m'])], refused, { provider: 'custom' })).toEqual({ provider: 'custom', model: 'm' });
  });
});
