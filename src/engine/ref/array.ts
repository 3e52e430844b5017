// Array types of the CPU reference twins: Float32Array in use, Float64Array for finite-difference tests.
export type FloatArray = Float32Array | Float64Array;
export type IndexArray = Uint32Array | Int32Array | readonly number[];
