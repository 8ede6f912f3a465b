import type { NewContainerFields, Project } from '../src/index.js';

declare const project: Project;

// A create body built in a variable keeps its enum types when annotated (README, Objects).
const metadata: NewContainerFields<'subject'> = { label: 'Subject2', sex: 'female' };
export const created = project.addSubject(metadata);

// @ts-expect-error `sex` is an enum in the spec
export const wrongSex: NewContainerFields<'subject'> = { label: 'x', sex: 'f' };
