import type { NewContainerFields, Project } from '../src/index.js';

declare const project: Project;

// A create body built in a variable keeps its enum types when annotated (README, Objects).
const metadata: NewContainerFields<'subject'> = {
  label: 'Subject2',
  sex: 'female',
  state: 'Alive',
};
export const created = project.addSubject(metadata);

// @ts-expect-error `state` is an enum in the spec (`In utero`, `Alive`, `Dead`)
export const wrongState: NewContainerFields<'subject'> = { label: 'x', state: 'alive' };
