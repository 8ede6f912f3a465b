import { dicomSlice } from './dicom.ts';
import { niftiImage } from './nifti.ts';
import { seededRandom, type Random } from './random.ts';

/** What the demo site contains, decided up front from a fixed seed: same site on every run. */
export interface FilePlan {
  name: string;
  type: 'nifti' | 'dicom';
  modality: 'MR';
  classification: Record<string, string[]>;
  info: Record<string, unknown>;
  /** For zips: the members, written into the archive by the seeder. */
  zipMembers?: { path: string; bytes: Uint8Array }[];
  bytes?: Uint8Array;
}

export interface AcquisitionPlan {
  label: string;
  timestamp: string;
  timezone: string;
  files: FilePlan[];
}

export interface SessionPlan {
  label: string;
  age: number; // seconds, as the API stores it
  weight: number; // kg
  timestamp: string;
  timezone: string;
  acquisitions: AcquisitionPlan[];
}

export interface SubjectPlan {
  label: string;
  code: string;
  sex: 'male' | 'female';
  type: 'human';
  cohort: 'Control' | 'Study';
  species: 'human';
  info: Record<string, unknown>;
  sessions: SessionPlan[];
}

export interface ProjectPlan {
  label: string;
  description: string;
  info: Record<string, unknown>;
  subjects: SubjectPlan[];
}

export interface SitePlan {
  group: { _id: string; label: string };
  projects: ProjectPlan[];
}

const YEAR_SECONDS = 31557600;

interface ProjectSpec {
  label: string;
  description: string;
  subjects: number;
  ageYears: [number, number];
  site: { name: string; timezone: string };
  prefix: string;
}

const PROJECTS: ProjectSpec[] = [
  {
    label: 'Anxiety Study',
    description: 'Resting-state and structural MRI in adults with generalised anxiety disorder',
    subjects: 12,
    ageYears: [19, 44],
    site: { name: 'Boston', timezone: 'America/New_York' },
    prefix: 'anx',
  },
  {
    label: 'Aging Cohort',
    description: 'Longitudinal structural imaging of healthy aging',
    subjects: 8,
    ageYears: [61, 84],
    site: { name: 'Tokyo', timezone: 'Asia/Tokyo' },
    prefix: 'age',
  },
];

const HANDEDNESS = ['right', 'right', 'right', 'left'] as const;

function isoAt(random: Random, year: number): string {
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const hour = random.int(12, 22); // scanner hours in UTC for both sites
  const minute = random.pick([0, 15, 30, 45]);
  return new Date(Date.UTC(year, month - 1, day, hour, minute)).toISOString();
}

function structural(random: Random, subject: string, session: string): FilePlan {
  const brain = random.int(900, 1100);
  return {
    name: 'T1w_MPRAGE.nii.gz',
    type: 'nifti',
    modality: 'MR',
    classification: { Intent: ['Structural'], Measurement: ['T1'], Features: ['3D'] },
    info: { RepetitionTime: 2.3, EchoTime: 0.00296, FlipAngle: 9, SliceThickness: 1 },
    bytes: niftiImage({
      dims: [16, 16, 8],
      description: `${subject} ${session} T1w`,
      fill: (x, y, z) => {
        const r = Math.hypot(x - 7.5, y - 7.5, (z - 3.5) * 2);
        return r < 6 ? brain - r * 20 : 10;
      },
    }),
  };
}

function restingState(
  random: Random,
  subject: SubjectPlan,
  session: string,
  projectIndex: number,
  timestamp: string,
): FilePlan {
  const studyUid = `1.2.826.0.1.3680043.10.${projectIndex}.${subject.code.replace(/\D/g, '')}.${session.length}`;
  const seriesUid = `${studyUid}.2`;
  const studyDate = timestamp.slice(0, 10).replaceAll('-', '');
  const members = [1, 2, 3, 4].map((instanceNumber) => ({
    path: `rfMRI_REST_AP/${String(instanceNumber).padStart(4, '0')}.dcm`,
    bytes: dicomSlice({
      patientName: `${subject.code}^ANON`,
      patientId: subject.code,
      studyDate,
      seriesDescription: 'rfMRI_REST_AP',
      modality: 'MR',
      studyUid,
      seriesUid,
      instanceNumber,
      rows: 16,
      columns: 16,
      pixel: (row, column) =>
        1200 + 300 * Math.sin((row + instanceNumber) / 3) * Math.cos(column / 4),
    }),
  }));
  return {
    name: 'rfMRI_REST_AP.dicom.zip',
    type: 'dicom',
    modality: 'MR',
    classification: { Intent: ['Functional'], Measurement: ['T2*'] },
    info: {
      PatientIdentityRemoved: 'YES',
      SeriesDescription: 'rfMRI_REST_AP',
      Volumes: random.int(200, 420),
    },
    zipMembers: members,
  };
}

function withOffset(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

export function planSite(seed = 20241121): SitePlan {
  const random = seededRandom(seed);
  const projects = PROJECTS.map((spec, projectIndex): ProjectPlan => {
    const subjects: SubjectPlan[] = [];
    for (let i = 1; i <= spec.subjects; i++) {
      const code = `${spec.prefix}-${String(i).padStart(3, '0')}`;
      const subject: SubjectPlan = {
        label: code,
        code,
        sex: random.chance(0.5) ? 'female' : 'male',
        type: 'human',
        cohort: i % 3 === 0 ? 'Control' : 'Study',
        species: 'human',
        info: {
          handedness: random.pick(HANDEDNESS),
          site: spec.site.name,
          ...(spec.prefix === 'anx' ? { gad7: random.int(3, 19) } : { moca: random.int(21, 30) }),
        },
        sessions: [],
      };
      const baseAge =
        random.int(spec.ageYears[0], spec.ageYears[1]) * YEAR_SECONDS + random.int(0, 300) * 86400;
      const labels = random.chance(0.5) ? ['baseline', 'followup-6m'] : ['baseline'];
      labels.forEach((label, sessionIndex) => {
        const timestamp = isoAt(random, 2024 + sessionIndex);
        const session: SessionPlan = {
          label,
          age: baseAge + sessionIndex * Math.round(YEAR_SECONDS / 2),
          weight: random.int(50, 95),
          timestamp,
          timezone: spec.site.timezone,
          acquisitions: [],
        };
        session.acquisitions.push({
          label: 'T1w_MPRAGE',
          timestamp: withOffset(timestamp, 5),
          timezone: spec.site.timezone,
          files: [structural(random, code, label)],
        });
        if (label === 'baseline') {
          session.acquisitions.push({
            label: 'rfMRI_REST_AP',
            timestamp: withOffset(timestamp, 14),
            timezone: spec.site.timezone,
            files: [restingState(random, subject, label, projectIndex, timestamp)],
          });
        }
        subject.sessions.push(session);
      });
      subjects.push(subject);
    }
    return {
      label: spec.label,
      description: spec.description,
      info: { site: spec.site.name, irb: `IRB-${2020 + projectIndex}-${random.int(100, 999)}` },
      subjects,
    };
  });
  return { group: { _id: 'flywheel', label: 'Flywheel Demo Lab' }, projects };
}
