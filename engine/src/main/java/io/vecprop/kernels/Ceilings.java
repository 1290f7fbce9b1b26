package io.vecprop.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The machine's ceilings measured in this process, for a profile's share of peak: the FMA peak of
 * the SIMD kernels' register-only loop (as the bench's {@code PeakBench.fma}) and the streaming
 * bandwidth of an axpy over arrays well past the caches (as {@code PeakBench.triad}). Quicker and
 * rougher than JMH's: a profile wants the order of magnitude of its own machine, not a figure to
 * publish.
 */
public final class Ceilings {

    /** Elements per array of the bandwidth loop: 4M doubles, 32 MB each, well past L2. */
    private static final int STREAM = 1 << 22;
    private static final int FMA_ITERATIONS = 10_000;
    /** Independent fma chains in SimdDenseKernels.fmaPeak. */
    private static final int CHAINS = 12;

    private Ceilings() {}

    /**
     * The FMA peak in GFLOP/s of the given number of threads, each running the SIMD kernels' FMA
     * loop for about millis after as long a warm-up; NaN when SIMD cannot run here.
     */
    public static double fmaGflops(boolean f32, int threads, long millis) {
        if (KernelProvider.simdUnavailableReason() != null) {
            return Double.NaN;
        }
        MethodHandle peak;
        int lanes;
        try {
            String name = f32 ? KernelProvider.SIMD_CLASS_F32 : KernelProvider.SIMD_CLASS;
            MethodType type = f32 ? MethodType.methodType(float.class, int.class, float.class)
                    : MethodType.methodType(double.class, int.class, double.class);
            peak = MethodHandles.publicLookup().findStatic(Class.forName(name), "fmaPeak", type);
            lanes = f32 ? KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F32).f32().info().lanes()
                    : KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F64).f64().info().lanes();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the SIMD kernels have no FMA loop: " + e, e);
        }
        double flopsPerCall = 2.0 * CHAINS * lanes * FMA_ITERATIONS;
        run(peak, f32, threads, millis); // warm-up: C2 compiles the loop
        long t0 = System.nanoTime();
        long calls = run(peak, f32, threads, millis);
        return calls * flopsPerCall / (System.nanoTime() - t0);
    }

    /**
     * The streaming bandwidth in GB/s of the given kernels' axpy {@code y += a · x} over two arrays
     * of 4M doubles (three streams: x and y read, y written), repeated for about millis after a
     * warm-up; the kernels' own thread count applies.
     */
    public static double triadGBs(DenseKernels kernels, long millis) {
        double[] x = new double[STREAM];
        double[] y = new double[STREAM];
        java.util.Arrays.fill(x, 1.0);
        for (int i = 0; i < 3; i++) {
            kernels.axpy(STREAM, 1e-9, x, y);
        }
        long t0 = System.nanoTime();
        long deadline = t0 + millis * 1_000_000;
        long reps = 0;
        do {
            kernels.axpy(STREAM, 1e-9, x, y);
            reps++;
        } while (System.nanoTime() < deadline);
        return reps * 3.0 * Double.BYTES * STREAM / (System.nanoTime() - t0);
    }

    /** Runs the FMA loop on threads threads until millis pass; the calls they made in all. */
    private static long run(MethodHandle peak, boolean f32, int threads, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long[] calls = new long[threads * 8];
        double[] sinks = new double[threads * 8]; // each thread's loop results, stored so none is dead code
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t * 8;
            workers[t] = new Thread(() -> {
                double sink = 0;
                try {
                    do {
                        sink += f32 ? (float) peak.invokeExact(FMA_ITERATIONS, 0.5f) : (double) peak.invokeExact(FMA_ITERATIONS, 0.5);
                        calls[slot]++;
                    } while (System.nanoTime() < deadline);
                } catch (Throwable e) {
                    throw new IllegalStateException("the FMA loop failed: " + e, e);
                }
                sinks[slot] = sink;
            }, "vecprop-peak-" + t);
            workers[t].start();
        }
        long sum = 0;
        for (int t = 0; t < threads; t++) {
            try {
                workers[t].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the FMA peak", e);
            }
            sum += calls[t * 8];
        }
        return sum;
    }
}
