package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Precision;

/** Builds the kernels and operands a benchmark's parameters name, in either precision. */
final class KernelState {

    private KernelState() {}

    /** {@code scalar} or {@code simd} on the given threads, in double; fails loudly if SIMD cannot run. */
    static DenseKernels kernels(String name, int threads) {
        return KernelProvider.select(KernelProvider.Choice.parse(name), threads, Precision.F64).f64().impl();
    }

    /** {@code scalar} or {@code simd} on the given threads, in float; fails loudly if SIMD cannot run. */
    static DenseKernelsF32 kernelsF32(String name, int threads) {
        return KernelProvider.select(KernelProvider.Choice.parse(name), threads, Precision.F32).f32().impl();
    }

    /** True for the {@code precision} parameter {@code f32}, false for {@code f64}; fails on anything else. */
    static boolean isF32(String precision) {
        return Precision.of(precision) == Precision.F32;
    }

    /** The values rounded to float: the f32 side of a benchmark gets the f64 side's operands. */
    static float[] narrow(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
