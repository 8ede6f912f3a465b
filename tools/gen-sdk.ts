import type { GeneratedFiles } from './lib/generated.ts';

/** Placeholder until the @fw/sdk generator lands: generates nothing yet. */
export async function generateSdk(_spec: unknown): Promise<GeneratedFiles> {
  return {};
}
