/**
 * Ranking a turn's project files by meaning, outside any transaction. When the turn's read finds
 * the files over the budget where the database has pgvector, it ranks them by full-text and says
 * so (ProjectFilesContext.vectorHint); then the payer's embedder embeds the question here and the
 * caller reads again with that vector, which project-files.ts fuses with the full-text ranks.
 * Nothing waits for a provider or a second pooled connection while a read holds its own: a
 * transaction that waits for another connection of the same pool can starve it under load.
 */
import { backfillProjectEmbeddings, openEmbedder, type EmbedderOptions } from './embeddings.ts';
import type { ProjectFilesContext, QuestionVector, VectorHint } from './project-files.ts';

/** The question's embedding waits at most this long; past it the turn ranks by full-text only. */
export const QUESTION_EMBED_TIMEOUT_MS = 5_000;

/**
 * The question's vector from the payer's (`options.user`) embedding model, or null when they have
 * none or no chunk of the project has a vector of it. The files' owner's own key also fills in,
 * in the background, the chunks without a vector of their model (files added before they had an
 * embedding provider, or whose embedding failed). Never throws.
 */
export async function questionVector(options: EmbedderOptions, filesOwnerId: string, hint: VectorHint): Promise<QuestionVector | null> {
  const embedder = await openEmbedder(options).catch(() => null);
  if (!embedder) return null;
  if (options.user.id === filesOwnerId && (hint.unembedded > 0 || hint.models.some((m) => m !== embedder.model))) {
    void backfillProjectEmbeddings(options, embedder, hint.projectId);
  }
  if (!hint.models.includes(embedder.model)) return null;
  try {
    const [values] = await embedder.embed([hint.question], { timeoutMs: QUESTION_EMBED_TIMEOUT_MS });
    return values ? { model: embedder.model, values } : null;
  } catch (error) {
    options.log.warn('could not embed the question; its project files are ranked by full-text only', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/**
 * A turn's inputs read again with the question's vector when their project files were ranked
 * by full-text only for want of it; otherwise the inputs as they are.
 */
export async function withRankingByMeaning<T extends { projectFiles: ProjectFilesContext }>(
  inputs: T,
  readAgain: (vector: QuestionVector) => Promise<T>,
  options: EmbedderOptions,
  filesOwnerId: string,
): Promise<T> {
  const hint = inputs.projectFiles.vectorHint;
  if (!hint) return inputs;
  const vector = await questionVector(options, filesOwnerId, hint);
  return vector ? await readAgain(vector) : inputs;
}
