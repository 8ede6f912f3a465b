import * as sdk from '@fw/sdk/node';
import { smoke } from './smoke.ts';

await smoke(sdk, { get: (n) => process.env[n] });
