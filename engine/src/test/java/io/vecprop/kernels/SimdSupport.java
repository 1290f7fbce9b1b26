package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vecprop.kernels.scalar.ScalarDenseKernels;
import io.vecprop.kernels.scalar.ScalarDenseKernelsF32;
import java.util.List;

/**
 * The kernels tests run under. SIMD tests skip where the Vector API cannot run, unless
 * {@code -Dvecprop.requireSimd=true} (set by the build), which turns that skip into a failure:
 * a missing {@code --add-modules} flag cannot leave the build green.
 */
public final class SimdSupport {

    private SimdSupport() {}

    /** The SIMD kernels on a pool of the given size, or a skip (a failure when SIMD is required). */
    public static DenseKernels simd(int threads) {
        requireOrSkip();
        return KernelProvider.select(KernelProvider.Choice.SIMD, threads, Precision.F64).f64().impl();
    }

    /** The float32 SIMD kernels on a pool of the given size, by the same skip-or-fail rule. */
    public static DenseKernelsF32 simdF32(int threads) {
        requireOrSkip();
        return KernelProvider.select(KernelProvider.Choice.SIMD, threads, Precision.F32).f32().impl();
    }

    private static void requireOrSkip() {
        String why = KernelProvider.simdUnavailableReason();
        if (why != null) {
            if (Boolean.getBoolean("vecprop.requireSimd")) {
                fail("SIMD kernels are required (vecprop.requireSimd=true) but cannot run: " + why);
            }
            assumeTrue(false, "SIMD kernels cannot run: " + why);
        }
    }

    /** Both implementations, for suites that run under each; SIMD follows the same skip-or-fail rule. */
    public static List<Kernels> both() {
        return List.of(Kernels.scalar(), Kernels.of(simd(1)));
    }

    /** {@code scalar} or {@code simd} (one thread), by name, for suites parameterized over both. */
    public static Kernels kernels(String name) {
        return switch (name) {
            case "scalar" -> Kernels.scalar();
            case "simd" -> Kernels.of(simd(1));
            default -> throw new IllegalArgumentException(name);
        };
    }

    public static DenseKernels scalar() {
        return ScalarDenseKernels.INSTANCE;
    }

    public static DenseKernelsF32 scalarF32() {
        return ScalarDenseKernelsF32.INSTANCE;
    }

    /** {@code scalar} or {@code simd} (one thread) in float32, by name, as {@link #kernels}. */
    public static KernelsF32 kernelsF32(String name) {
        return switch (name) {
            case "scalar" -> KernelsF32.scalar();
            case "simd" -> KernelsF32.of(simdF32(1));
            default -> throw new IllegalArgumentException(name);
        };
    }
}
