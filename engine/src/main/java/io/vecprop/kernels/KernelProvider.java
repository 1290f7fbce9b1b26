package io.vecprop.kernels;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the kernels: {@code scalar}, {@code simd} or {@code auto}, which takes SIMD when it can
 * run fast and says why when it cannot.
 *
 * <p>The SIMD implementation is the only code that uses {@code jdk.incubator.vector}; it is loaded
 * here by name, so this class, and the whole engine, links and runs without the module. SIMD needs
 * the module in the boot layer ({@code --add-modules jdk.incubator.vector}) and the C2 compiler
 * (without it the Vector API falls back to slow Java code).
 *
 * <p>Properties read: {@code vecprop.kernels} (auto | scalar | simd), and, by the SIMD class when
 * it loads, {@code vecprop.vectorBits} (128 | 256 | 512) and {@code vecprop.sigmoid}
 * (poly | lanewise).
 */
public final class KernelProvider {

    /** Which kernels to use. */
    public enum Choice {
        AUTO, SCALAR, SIMD;

        /** Parses auto, scalar or simd, in any case. */
        public static Choice parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kernels '" + s + "' must be auto, scalar or simd");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String SIMD_CLASS = "io.vecprop.kernels.simd.SimdDenseKernels";
    static final String SIMD_CLASS_F32 = SIMD_CLASS + "F32";
    private static final String MODULE = "jdk.incubator.vector";

    private KernelProvider() {}

    /** The choice in {@code -Dvecprop.kernels}, auto when unset. */
    public static Choice choiceFromProperty() {
        return Choice.parse(System.getProperty("vecprop.kernels", "auto"));
    }

    /**
     * Kernels for the choice on a pool of the given size, in both precisions.
     *
     * @throws IllegalStateException when simd is asked for but cannot run, saying why
     */
    public static KernelSelection select(Choice choice, int threads) {
        return select(choice, threads, null);
    }

    /**
     * Kernels for the choice on a pool of the given size, in precision alone (both when it is
     * null): what a worker that computes in one precision builds.
     *
     * @throws IllegalStateException when simd is asked for but cannot run, saying why
     */
    public static KernelSelection select(Choice choice, int threads, Precision precision) {
        String why = reasonForScalar(choice, threads);
        boolean f64 = precision != Precision.F32, f32 = precision != Precision.F64;
        if (why != null) {
            return new KernelSelection(f64 ? Kernels.scalar() : null, f32 ? KernelsF32.scalar() : null, fallback(choice, why));
        }
        return new KernelSelection(f64 ? Kernels.of((DenseKernels) loadSimd(SIMD_CLASS, threads)) : null,
                f32 ? KernelsF32.of((DenseKernelsF32) loadSimd(SIMD_CLASS_F32, threads)) : null, null);
    }

    /**
     * Why the choice gets the scalar kernels (the choice itself, or SIMD unavailable under auto), or
     * null for SIMD; throws when simd is asked for and cannot run.
     */
    private static String reasonForScalar(Choice choice, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        if (choice == Choice.SCALAR) {
            return "scalar";
        }
        String why = simdUnavailableReason();
        if (why != null && choice == Choice.SIMD) {
            throw new IllegalStateException("SIMD kernels cannot run: " + why);
        }
        return why;
    }

    /** The line auto prints when it falls back, null when scalar was asked for. */
    private static String fallback(Choice choice, String why) {
        return choice == Choice.SCALAR ? null : "using scalar kernels: " + why;
    }

    /** Why SIMD cannot run here, or null when it can. */
    public static String simdUnavailableReason() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return MODULE + " is not readable (start java with --add-modules " + MODULE + ")";
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return "the JIT is off (-Xint), so the Vector API would run as slow Java code";
        }
        for (String arg : jvmArguments()) {
            if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
                return "C2 is off (" + arg + "), so the Vector API would run as slow Java code";
            }
            if (arg.equals("-XX:-UseCompiler")) {
                return "the JIT is off (" + arg + "), so the Vector API would run as slow Java code";
            }
        }
        return null;
    }

    private static List<String> jvmArguments() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            return List.of(); // java.management absent: assume the default JIT
        }
    }

    private static Object loadSimd(String className, int threads) {
        try {
            Class<?> type = Class.forName(className);
            return type.getConstructor(int.class).newInstance(threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("SIMD kernels failed to load: " + cause, cause);
        }
    }
}
