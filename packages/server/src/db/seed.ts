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

/** The three roles every site has; they cannot be deleted. */
export const DEFAULT_ROLES = [
  { label: 'admin', default_flywheel_role: 'admin', actions: ['*'] },
  {
    label: 'read-write',
    default_flywheel_role: 'rw',
    actions: ['containers_view', 'containers_modify', 'files_view', 'files_modify'],
  },
  { label: 'read-only', default_flywheel_role: 'ro', actions: ['containers_view', 'files_view'] },
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
      if (!exists) {
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
