import type { Acquisition, Client, Project, Session, Subject } from '@fw/sdk/node';
import { demoPath } from './demo-paths.ts';

/**
 * Typed lookups of the demo containers. `fw.lookup` answers any node type; these check the type
 * so an example fails with a clear message rather than a confusing property error.
 */
async function lookupAs<T>(fw: Client, path: string, type: string): Promise<T> {
  const node = await fw.lookup(path);
  if (node.container_type !== type)
    throw new Error(`expected a ${type} at "${path}", found a ${node.container_type}`);
  return node as T;
}

export const lookupDemoProject = (fw: Client) => lookupAs<Project>(fw, demoPath.project, 'project');
export const lookupDemoSubject = (fw: Client) => lookupAs<Subject>(fw, demoPath.subject, 'subject');
export const lookupDemoSession = (fw: Client) => lookupAs<Session>(fw, demoPath.session, 'session');
export const lookupDemoAcquisition = (fw: Client, label: string) =>
  lookupAs<Acquisition>(fw, demoPath.acquisition(label), 'acquisition');
