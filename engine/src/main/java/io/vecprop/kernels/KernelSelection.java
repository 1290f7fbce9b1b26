package io.vecprop.kernels;

/**
 * The kernels chosen for a run ({@link KernelProvider#select}): one choice (scalar or SIMD), vector
 * width and thread count, in the precision asked for or in both, and why {@code auto} fell back to
 * scalar. Both precisions come from one choice, so a double and a float network of one run compute
 * alike; a SIMD instance allocates its packing buffers on first use, so a precision built and not
 * used costs next to nothing. Asking for a precision that was not selected is an error.
 *
 * @param f64 the double kernels, or null when only f32 was selected
 * @param f32 the float kernels, or null when only f64 was selected
 * @param fallbackReason one sentence saying why auto took scalar, or null (SIMD, or scalar asked for)
 */
public record KernelSelection(Kernels f64, KernelsF32 f32, String fallbackReason) {

    public KernelSelection {
        if (f64 == null && f32 == null) {
            throw new IllegalArgumentException("a kernel selection needs kernels of at least one precision");
        }
    }

    /** The scalar reference kernels in both precisions. */
    public static KernelSelection scalar() {
        return new KernelSelection(Kernels.scalar(), KernelsF32.scalar(), null);
    }

    /** The double kernels. */
    @Override
    public Kernels f64() {
        if (f64 == null) {
            throw new IllegalStateException("these kernels were selected for f32 only");
        }
        return f64;
    }

    /** The float kernels. */
    @Override
    public KernelsF32 f32() {
        if (f32 == null) {
            throw new IllegalStateException("these kernels were selected for f64 only");
        }
        return f32;
    }

    /** What the kernels of precision p are: name, vector width, lanes in that precision, threads, sigmoid. */
    public KernelInfo info(Precision p) {
        return p == Precision.F32 ? f32().info() : f64().info();
    }
}
