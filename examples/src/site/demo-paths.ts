/**
 * Where things are on the demo site, by label, derived from the site plan so the examples and
 * the seeder cannot disagree. Examples find data by label (resolve/lookup/finders), as a user
 * would on a real site, never by remembered ids.
 */
import { planSite } from '../seed/site-plan.ts';

const plan = planSite();
const [anxiety, aging] = plan.projects;
if (!anxiety || !aging) throw new Error('the demo site plan needs two projects');
const firstSubject = anxiety.subjects[0]!;

export const DEMO = {
  group: plan.group._id,
  project: anxiety.label,
  secondProject: aging.label,
  subject: firstSubject.label,
  session: 'baseline',
  structural: { acquisition: 'T1w_MPRAGE', file: 'T1w_MPRAGE.nii.gz' },
  functional: { acquisition: 'rfMRI_REST_AP', file: 'rfMRI_REST_AP.dicom.zip' },
} as const;

/** `flywheel/Anxiety Study/anx-001/baseline` and friends. */
export const demoPath = {
  project: `${DEMO.group}/${DEMO.project}`,
  subject: `${DEMO.group}/${DEMO.project}/${DEMO.subject}`,
  session: `${DEMO.group}/${DEMO.project}/${DEMO.subject}/${DEMO.session}`,
  acquisition: (label: string) =>
    `${DEMO.group}/${DEMO.project}/${DEMO.subject}/${DEMO.session}/${label}`,
};
