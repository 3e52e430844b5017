// Small pieces shared by the kernel modules: the 1-D elementwise entry point and shape helpers.
import { shapeStr, type GpuTensor } from '../op.ts';

export const WG_1D = 256;

/** Entry point of a 1-D kernel; the body starts with `i` (the element index, already bounds-checked against u.n). */
export function elementwiseMain(body: string): string {
  return `@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
${body}
}`;
}

export function groups1d(n: number): number {
  return Math.ceil(n / WG_1D);
}

/** A tensor seen as a matrix: (all leading dims flattened, last dim). */
export function rows2d(t: GpuTensor): [number, number] {
  const last = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  return [last === 0 ? 0 : t.size / last, last];
}

export function expectSize(where: string, t: GpuTensor, size: number): void {
  if (t.size !== size) throw new Error(`${where}: expected ${size} elements, got ${t.size} in shape ${shapeStr(t.shape)}`);
}
