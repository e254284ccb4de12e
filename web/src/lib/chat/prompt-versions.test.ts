import { describe, expect, it } from 'vitest';
import { defaultChoice, versionChoices, versionName } from './prompt-versions';

const history = [
  { version: 3, first_line: 'V3 newest' },
  { version: 2, first_line: 'V2-DRAFT Write about {{topic}}' },
  { version: 1, first_line: '' },
];

describe('versionChoices', () => {
  it('offers production first, the other labels, the latest, then earlier versions newest first', () => {
    const prompt = { latest_version: 3, labels: [{ label: 'staging', version: 2 }, { label: 'production', version: 1 }, { label: 'beta', version: 3 }] };
    expect(versionChoices(prompt, history).map((c) => [c.key, c.version, c.label, c.text])).toEqual([
      ['label:production', 1, 'production', 'production (v1)'],
      ['label:beta', 3, 'beta', 'beta (v3)'],
      ['label:staging', 2, 'staging', 'staging (v2)'],
      ['latest', 3, null, 'latest (v3)'],
      ['v2', 2, null, 'v2 — V2-DRAFT Write about {{topic}}'],
      ['v1', 1, null, 'v1'],
    ]);
  });

  it('keeps a label named "latest" apart from the latest version', () => {
    const keys = versionChoices({ latest_version: 2, labels: [{ label: 'latest', version: 1 }] }, history.slice(1)).map((c) => c.key);
    expect(keys).toEqual(['label:latest', 'latest', 'v1']);
  });

  it('offers the labels and the latest when the history could not be read', () => {
    expect(versionChoices({ latest_version: 5, labels: [{ label: 'production', version: 4 }] }).map((c) => c.text)).toEqual(['production (v4)', 'latest (v5)']);
  });
});

describe('defaultChoice', () => {
  it('starts at the production label when the prompt has one', () => {
    const choice = defaultChoice(versionChoices({ latest_version: 2, labels: [{ label: 'production', version: 1 }] }, history.slice(1)));
    expect(choice).toMatchObject({ version: 1, label: 'production' });
  });

  it('starts at the latest version otherwise', () => {
    const choice = defaultChoice(versionChoices({ latest_version: 3, labels: [{ label: 'staging', version: 2 }] }, history));
    expect(choice).toMatchObject({ key: 'latest', version: 3, label: null });
  });
});

describe('versionName', () => {
  it('names the label and its version, or the version alone', () => {
    expect(versionName(1, 'production')).toBe('production (v1)');
    expect(versionName(2, null)).toBe('v2');
  });
});
