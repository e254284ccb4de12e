// Which version of a library prompt the `/` picker offers and inserts: the prompt's labels (the
// version each points at), its latest version, and its earlier versions. A prompt with a
// `production` label inserts that version unless the person picks another, as Langfuse's and
// PromptLayer's clients fetch `production` by default; the chip then names the label.

/** One entry of the picker's Version select. */
export interface VersionChoice {
  /** Unique among the choices: `label:<name>`, `latest` or `v<n>`. */
  key: string;
  version: number;
  /** The label chosen, or null for the latest or a numbered version. */
  label: string | null;
  /** What the select shows. */
  text: string;
}

interface PromptVersions {
  latest_version: number;
  labels?: { label: string; version: number }[];
}

interface VersionSummary {
  version: number;
  first_line: string;
}

/** The label a prompt is inserted at when it has it (what "deployed" means in a prompt library). */
export const DEFAULT_LABEL = 'production';

/**
 * The select's entries, in order: `production` first, then the other labels by name, the latest
 * version, and the earlier versions `history` holds, newest first (a version's first line helps
 * tell them apart).
 */
export function versionChoices(prompt: PromptVersions, history: VersionSummary[] = []): VersionChoice[] {
  const labels = [...(prompt.labels ?? [])].sort((a, b) =>
    a.label === DEFAULT_LABEL ? -1 : b.label === DEFAULT_LABEL ? 1 : a.label.localeCompare(b.label),
  );
  const latest = prompt.latest_version;
  const earlier = history
    .filter((v) => v.version < latest)
    .sort((a, b) => b.version - a.version)
    .map((v) => ({ key: `v${v.version}`, version: v.version, label: null, text: v.first_line ? `v${v.version} — ${v.first_line}` : `v${v.version}` }));
  return [
    ...labels.map((l) => ({ key: `label:${l.label}`, version: l.version, label: l.label, text: `${l.label} (v${l.version})` })),
    { key: 'latest', version: latest, label: null, text: `latest (v${latest})` },
    ...earlier,
  ];
}

/** The choice the picker starts at: the `production` label when the prompt has one, else the latest. */
export function defaultChoice(choices: VersionChoice[]): VersionChoice {
  return choices.find((c) => c.label === DEFAULT_LABEL) ?? choices.find((c) => c.key === 'latest') ?? choices[0];
}

/** How the composer's chip names what was inserted: `production (v1)`, or `v2`. */
export function versionName(version: number, label?: string | null): string {
  return label ? `${label} (v${version})` : `v${version}`;
}
