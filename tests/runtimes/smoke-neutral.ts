import * as sdk from '@fw/sdk';
import { smoke } from './smoke.ts';

const g = globalThis as { Deno?: { env: { get(n: string): string | undefined } } };
await smoke(sdk, g.Deno ? g.Deno.env : { get: (n) => process.env[n] });
