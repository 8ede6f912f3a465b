/**
 * Changing metadata: `update` writes fields but leaves your local copy as it was (`reload` gets
 * a fresh one); tags, notes and free-form `info` have their own calls. Everything added here is
 * removed again at the end, so the example can run any number of times on the same site.
 */
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { lookupDemoSession, lookupDemoSubject } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const TAG = 'needs-review';
const NOTE = 'Head motion in the resting-state run; check before analysis.';

export async function run(fw: Client, report: Report) {
  report.section('Update and reload; tags, notes and info');

  const subject = await lookupDemoSubject(fw);
  const before = { firstname: subject.firstname, lastname: subject.lastname };
  report.call(`await subject.update({ firstname: 'Ada', lastname: 'Lovelace' })`);
  await subject.update({ firstname: 'Ada', lastname: 'Lovelace' });
  report.call('const fresh = await subject.reload()');
  const fresh = await subject.reload();
  report.table(
    [
      { header: 'copy', value: (r) => r.copy },
      { header: 'firstname', value: (r) => r.firstname || '(unset)' },
      { header: 'lastname', value: (r) => r.lastname || '(unset)' },
    ],
    [
      {
        copy: 'subject (local, unchanged)',
        firstname: subject.firstname,
        lastname: subject.lastname,
      },
      { copy: 'fresh (reloaded)', firstname: fresh.firstname, lastname: fresh.lastname },
    ],
  );

  const session = await lookupDemoSession(fw);
  report.call(`await session.addTag('${TAG}')`);
  await session.addTag(TAG);
  report.call(`await session.addNote('${NOTE}')`);
  await session.addNote(NOTE);
  report.call(`await session.updateInfo({ qc: { motion: 'high', reviewer: 'ada@example.org' } })`);
  await session.updateInfo({ qc: { motion: 'high', reviewer: 'ada@example.org' } });

  const tagged = await session.reload();
  const notes = tagged.notes ?? [];
  report.fields([
    ['tags', (tagged.tags ?? []).join(', ')],
    ['notes', notes.map((n) => `“${n.text}” — ${n.user ?? 'unknown'}`).join('\n' + ' '.repeat(10))],
    ['info keys', Object.keys(tagged.info ?? {}).join(', ')],
    ['info.qc', JSON.stringify((tagged.info as Record<string, unknown>)['qc'])],
  ]);

  report.call(
    `await session.deleteTag('${TAG}'); await session.deleteNote(note._id); await session.deleteInfo('qc')`,
  );
  await session.deleteTag(TAG);
  for (const note of notes.filter((n) => n.text === NOTE)) await session.deleteNote(note._id!);
  await session.deleteInfo('qc');
  await subject.update({ firstname: before.firstname ?? '', lastname: before.lastname ?? '' });
  const cleaned = await session.reload();
  report.ok(
    `cleaned up: ${cleaned.tags?.length ?? 0} tags, ${cleaned.notes?.length ?? 0} notes left`,
  );

  return {
    localFirstname: subject.firstname,
    reloadedFirstname: fresh.firstname,
    tags: tagged.tags ?? [],
    noteTexts: notes.map((n) => n.text),
    info: tagged.info as Record<string, unknown>,
    tagsAfterCleanup: cleaned.tags ?? [],
    infoAfterCleanup: cleaned.info as Record<string, unknown>,
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
