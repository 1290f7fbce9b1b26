package io.vecprop.kernels;

import java.util.Objects;

/**
 * The kernels chosen for a run, in both precisions: the same choice (scalar or SIMD), width and
 * thread count, so a double and a float network of one run compute alike. SIMD instances keep
 * their packing buffers, allocated on first use, so the unused precision costs next to nothing.
 */
public record KernelPair(Kernels f64, KernelsF32 f32) {

    public KernelPair {
        Objects.requireNonNull(f64, "f64");
        Objects.requireNonNull(f32, "f32");
    }

    /** The scalar reference kernels in both precisions. */
    public static KernelPair scalar() {
        return new KernelPair(Kernels.scalar(), KernelsF32.scalar());
    }
}
