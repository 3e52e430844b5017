// The op registry: both backends carry every op, the GPU one forwards to the kernel with the runtime bound.
import { expect, it } from 'vitest';
import { cpuBackend, gpuBackend } from '../../../src/engine/backend.ts';
import { numel, type GpuTensor, type OpDescription } from '../../../src/engine/op.ts';
import type { GpuRuntime } from '../../../src/engine/runtime.ts';

const CORE = ['kind', 'maxTensorBytes', 'zeros', 'upload', 'uploadPacked', 'write', 'view', 'read', 'release', 'beginStep', 'submit'];
const ops = (b: object): string[] =>
  Object.keys(b)
    .filter((k) => !CORE.includes(k))
    .sort();

function recordingRuntime(ran: string[]): GpuRuntime {
  return { run: (op: OpDescription) => void ran.push(op.name), empty: () => undefined } as unknown as GpuRuntime;
}

function gpuTensor(...shape: number[]): GpuTensor {
  return { buffer: {} as GPUBuffer, shape, size: numel(shape), dtype: 'f32', offset: 0 };
}

it('the CPU and the GPU backend have the same ops, every one a function', () => {
  const cpu = cpuBackend(),
    gpu = gpuBackend(recordingRuntime([]));
  expect(ops(gpu)).toEqual(ops(cpu));
  expect(ops(cpu).length).toBeGreaterThan(25);
  for (const name of ops(cpu)) {
    expect(typeof (cpu as unknown as Record<string, unknown>)[name], name).toBe('function');
    expect(typeof (gpu as unknown as Record<string, unknown>)[name], name).toBe('function');
  }
});

it("a GPU backend op runs its kernel on the backend's runtime", () => {
  const ran: string[] = [];
  const be = gpuBackend(recordingRuntime(ran));
  be.rmsnormForward(gpuTensor(2, 4), gpuTensor(2), gpuTensor(2, 4), gpuTensor(4), 1e-6);
  be.swigluForward(gpuTensor(3), gpuTensor(3), gpuTensor(3));
  expect(ran).toEqual(['rmsnorm_forward', 'swiglu_forward']);
});

it('a CPU backend op is the twin: sizes from the shapes, errors naming the argument', () => {
  const be = cpuBackend();
  const out = be.zeros([2, 2]),
    rstd = be.zeros([2]);
  be.rmsnormForward(out, rstd, be.upload(Float32Array.from([3, 4, 0, 2]), [2, 2]), be.upload(Float32Array.from([1, 2]), [2]), 0);
  const want = [3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5), 0, (2 * 2) / Math.sqrt(2)];
  Array.from(out.data).forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
  expect(() => be.swigluForward(be.zeros([3]), be.zeros([3]), be.zeros([4]))).toThrow(/swigluForward: up \(4\) has 4 elements, expected 3/);
});
