// What the prompt library's list shows of each prompt (the first page from the server, the next
// ones read in the browser).
type ListedPrompt = { id: string; title: string; description: string | null; tags: string[]; is_public: boolean; latest_version: number; updated_at: string };

export function listed<T extends ListedPrompt>({ id, title, description, tags, is_public, latest_version, updated_at }: T): ListedPrompt {
  return { id, title, description, tags, is_public, latest_version, updated_at };
}
