// The name the database suggests for a title (private.slugify), shown as the placeholder
// while typing; the database stays the authority (it also makes names unique).
export function suggestName(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug || 'prompt';
}
