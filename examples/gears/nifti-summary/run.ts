/**
 * The nifti-summary gear, written with `GearContext`. Run by an engine in a gear folder
 * (`$FLYWHEEL`, or `/flywheel/v0`): reads the NIfTI input's header, writes `output/summary.csv`
 * (one `field,value` row per header value, so a data view can read it) and
 * `output/<image>.header.json`, records file types and tags in `output/.metadata.json`, and
 * tags the container the analysis belongs to through `ctx.client`.
 */
import { readFile } from 'node:fs/promises';
import { GearContext } from '@fw/sdk/node';
import { readNiftiHeader } from '../../src/nifti-header.ts';
import manifest from './manifest.json' with { type: 'json' };

type Ctx = GearContext<typeof manifest>;

/** The header as `field,value` rows. */
function summaryCsv(header: ReturnType<typeof readNiftiHeader>, file: string, decimals: number) {
  const rows: [string, string | number][] = [
    ['file', file],
    ['datatype', header.datatype],
    ['bitpix', header.bitpix],
    ...header.dims.map((d, i): [string, number] => [`dim${i + 1}`, d]),
    ...header.pixdim.map((p, i): [string, string] => [`pixdim${i + 1}`, p.toFixed(decimals)]),
  ];
  // Values are plain numbers and names; quote anyway so a comma in a file name stays one field.
  const cell = (v: string | number) =>
    /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return `field,value\n${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

export async function main(ctx: Ctx): Promise<void> {
  ctx.logConfig();
  const input = ctx.getInputFile('nifti');
  const header = readNiftiHeader(await readFile(ctx.getInputPath('nifti')));
  ctx.log.info(
    `${input.name}: ${header.dims.join('×')} ${header.datatype}, voxels ${header.pixdim.join('×')} mm`,
  );

  const base = input.name.replace(/\.nii(\.gz)?$/, '');
  await ctx.writeOutput('summary.csv', summaryCsv(header, input.name, ctx.config.decimals));
  const headerName = `${base}.header.json`;
  await ctx.writeOutput(
    headerName,
    `${JSON.stringify({ file: input.name, ...header }, null, 2)}\n`,
  );

  // What the engine applies to the outputs (and the analysis) after a clean exit.
  ctx.updateFileMetadata('summary.csv', { type: 'tabular data', tags: [ctx.config.tag] });
  ctx.updateFileMetadata(headerName, { type: 'source code', info: { dims: header.dims } });
  ctx.updateDestinationMetadata({
    info: { nifti: { dims: header.dims, datatype: header.datatype } },
  });

  // Tag the container the analysis hangs off (the destination itself for a utility run).
  const client = ctx.client;
  const destination = await client.get(ctx.destination.id);
  const parent = (destination as { parent?: { id: string } }).parent;
  const target = parent ? await client.get(parent.id) : destination;
  // Adding a tag a container has is a 409: a second run on the same data must not fail.
  if (!(target.tags ?? []).includes(ctx.config.tag)) await target.addTag(ctx.config.tag);
  ctx.log.info(`tagged ${target.container_type} ${target.id} "${ctx.config.tag}"`);
}

await GearContext.run<typeof manifest>(main);
