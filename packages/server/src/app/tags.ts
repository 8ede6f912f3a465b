/** Adding tags never removes or repeats one: the result keeps the old order, then new tags. */
export function unionTags(existing: unknown, added: readonly string[]): string[] {
  return [...new Set([...((existing ?? []) as string[]), ...added])];
}
