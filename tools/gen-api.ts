import type { GeneratedFiles } from './lib/generated.ts';

/** Placeholder until the @fw/api generator lands: generates nothing yet. */
export async function generateApi(_spec: unknown): Promise<GeneratedFiles> {
  return {};
}
