package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.KernelProvider;

/** Builds the kernels a benchmark's parameters name. */
final class KernelState {

    private KernelState() {}

    /** {@code scalar} or {@code simd} on the given threads; fails loudly if SIMD cannot run. */
    static DenseKernels kernels(String name, int threads) {
        return KernelProvider.select(KernelProvider.Choice.parse(name), threads).kernels().impl();
    }
}
