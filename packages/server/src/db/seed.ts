import type { Db } from './open.js';
import { objectId } from '../app/ids.js';

export const MR_CLASSIFICATION = {
  Intent: [
    'Localizer',
    'Shim',
    'Calibration',
    'Fieldmap',
    'Structural',
    'Functional',
    'Screenshot',
    'Non-Image',
    'Spectroscopy',
  ],
  Measurement: [
    'B0',
    'B1',
    'T1',
    'T2',
    'T2*',
    'PD',
    'MT',
    'Perfusion',
    'Diffusion',
    'Spectroscopy',
    'Susceptibility',
    'Velocity',
    'Fingerprinting',
  ],
  Features: [
    'Quantitative',
    'Multi-Shell',
    'Multi-Echo',
    'Multi-Flip',
    'Multi-Band',
    'Steady-State',
    '3D',
    'Compressed-Sensing',
    'Eddy-Current-Corrected',
    'Fieldmap-Corrected',
    'Gradient-Unwarped',
    'Motion-Corrected',
    'Physio-Corrected',
  ],
};

const RO_ACTIONS = [
  'containers_view_metadata',
  'analyses_view_metadata',
  'files_view_metadata',
  'files_view_contents',
  'files_download',
  'tags_view',
  'notes_view',
  'project_permissions_view',
  'gear_rules_view',
  'data_views_view',
  'session_templates_view',
  'jobs_view',
  'settings_view',
] as const;
const RW_ACTIONS = [
  ...RO_ACTIONS,
  'containers_create_hierarchy',
  'containers_modify_metadata',
  'containers_delete_hierarchy',
  'analyses_create_sdk',
  'analyses_create_job',
  'analyses_modify_metadata',
  'analyses_delete',
  'files_create_upload',
  'files_modify_metadata',
  'files_delete_non_device_data',
  'tags_manage',
  'notes_manage',
  'jobs_manage',
] as const;
const ADMIN_ACTIONS = [
  ...RW_ACTIONS,
  'containers_delete_project',
  'files_move',
  'files_delete_device_data',
  'project_permissions_manage',
  'project_sharing_manage',
  'gear_rules_manage',
  'data_views_manage',
  'session_templates_manage',
  'jobs_manage_others',
  'settings_modify',
] as const;

/**
 * The three roles every site has (`default_flywheel_role` admin, rw, ro); they cannot be changed
 * or deleted. A project permission's access level follows its roles' actions (see `app/access.ts`).
 */
export const DEFAULT_ROLES = [
  { label: 'admin', default_flywheel_role: 'admin', actions: ADMIN_ACTIONS },
  { label: 'read-write', default_flywheel_role: 'rw', actions: RW_ACTIONS },
  { label: 'read-only', default_flywheel_role: 'ro', actions: RO_ACTIONS },
] as const;

/** Idempotent first-start data: the MR modality and the default roles. */
export function seedDefaults(db: Db): void {
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO modalities (id, doc) VALUES (?, ?)').run(
      'MR',
      JSON.stringify({ _id: 'MR', classification: MR_CLASSIFICATION }),
    );
    for (const r of DEFAULT_ROLES) {
      const exists = db
        .prepare(`SELECT 1 FROM roles WHERE json_extract(doc, '$.default_flywheel_role') = ?`)
        .get(r.default_flywheel_role);
      if (exists) {
        // keep the default roles' actions current (older data directories had other names)
        db.prepare(
          `UPDATE roles SET doc = json_set(doc, '$.actions', json(?)) WHERE json_extract(doc, '$.default_flywheel_role') = ?`,
        ).run(JSON.stringify(r.actions), r.default_flywheel_role);
      } else {
        const id = objectId();
        db.prepare('INSERT INTO roles (id, label, doc) VALUES (?, ?, ?)').run(
          id,
          r.label,
          JSON.stringify({
            _id: id,
            label: r.label,
            actions: r.actions,
            default_flywheel_role: r.default_flywheel_role,
          }),
        );
      }
    }
  })();
}
