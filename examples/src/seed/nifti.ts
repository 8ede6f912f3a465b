import { gzipSync } from 'node:zlib';

/**
 * Builds a small but well-formed NIfTI-1 single-file image (`.nii.gz`): a 348-byte header,
 * 4 bytes of extension flag, then int16 voxels. Real tools (nibabel, fslhd) can open it.
 */
export function niftiImage(options: {
  dims: [number, number, number];
  voxelMm?: [number, number, number];
  description?: string;
  fill: (x: number, y: number, z: number) => number;
}): Uint8Array {
  const [nx, ny, nz] = options.dims;
  const [dx, dy, dz] = options.voxelMm ?? [1, 1, 1];
  const voxOffset = 352;
  const buf = Buffer.alloc(voxOffset + nx * ny * nz * 2);
  buf.writeInt32LE(348, 0); // sizeof_hdr
  const dim = [3, nx, ny, nz, 1, 1, 1, 1];
  dim.forEach((d, i) => buf.writeInt16LE(d, 40 + i * 2));
  buf.writeInt16LE(4, 70); // datatype: DT_INT16
  buf.writeInt16LE(16, 72); // bitpix
  const pixdim = [1, dx, dy, dz, 1, 0, 0, 0];
  pixdim.forEach((p, i) => buf.writeFloatLE(p, 76 + i * 4));
  buf.writeFloatLE(voxOffset, 108); // vox_offset
  buf.writeFloatLE(1, 112); // scl_slope
  buf.write((options.description ?? '').slice(0, 79), 148, 'latin1');
  buf.writeInt16LE(1, 252); // qform_code: scanner anatomical
  buf.write('n+1\0', 344, 'latin1');
  let offset = voxOffset;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        buf.writeInt16LE(
          Math.max(-32768, Math.min(32767, Math.round(options.fill(x, y, z)))),
          offset,
        );
        offset += 2;
      }
  return gzipSync(buf, { level: 6 });
}
