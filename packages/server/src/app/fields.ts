import type { components } from '@fw/api';
import type { CType } from '../db/containers.js';
import { badRequest } from './errors.js';
import type { Obj } from './validate.js';

type Schemas = components['schemas'];

/** Every member of the string union `T`: tsc fails when the list and the spec's enum differ. */
const members =
  <T extends string>() =>
  <const A extends readonly T[]>(
    list: A & ([Exclude<T, A[number]>] extends [never] ? unknown : never),
  ): readonly string[] =>
    list;

type Check = 'string' | 'integer' | 'number' | 'boolean' | readonly string[];

/**
 * Declared types of the typed, freely settable container fields (the spec's create/modify
 * bodies). Fields not listed here are stored as given; `null` clears (removes) a field.
 */
const FIELDS: Record<string, Check> = {
  public: 'boolean',
  uid: 'string',
  timezone: 'string',
  operator: 'string',
  code: 'string',
  firstname: 'string',
  lastname: 'string',
  species: 'string',
  strain: 'string',
  age: 'integer',
  weight: 'number',
  sex: ['male', 'female', 'other', 'unknown'],
  cohort: members<Schemas['Cohort']>()(['Control', 'Study']),
  race: [
    'American Indian or Alaska Native',
    'Asian',
    'Native Hawaiian or Other Pacific Islander',
    'Black or African American',
    'White',
    'More Than One Race',
    'Unknown or Not Reported',
  ],
  ethnicity: ['Not Hispanic or Latino', 'Hispanic or Latino', 'Unknown or Not Reported'],
};
/** Fields typed only on some container kinds (`type` means something else elsewhere). */
const KIND_FIELDS: Partial<Record<CType, Record<string, Check>>> = {
  subject: {
    type: ['human', 'animal', 'phantom'],
    master_code: 'string',
    mlset: ['Training', 'Testing', 'Validation'],
    state: ['In utero', 'Alive', 'Dead'],
  },
};

function fits(v: unknown, check: Check): boolean {
  if (typeof check !== 'string') return typeof v === 'string' && check.includes(v);
  if (check === 'integer') return Number.isSafeInteger(v);
  if (check === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === check;
}

/** 400 when a typed container field in `body` has the wrong type or an unknown enum value. */
export function checkContainerFields(body: Obj, kind: CType): void {
  for (const [k, v] of Object.entries(body)) {
    const check = KIND_FIELDS[kind]?.[k] ?? FIELDS[k];
    if (check === undefined || v === null || fits(v, check)) continue;
    throw badRequest(
      typeof check === 'string'
        ? `"${k}" must be ${check === 'integer' ? 'an integer' : `a ${check}`}`
        : `"${k}" must be one of ${check.join(', ')}`,
    );
  }
}
