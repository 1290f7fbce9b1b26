package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.simd.SimdDenseKernels;
import io.vecprop.kernels.simd.SimdDenseKernelsF32;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's ceilings, so every result can say what share of the limit it reached:
 * {@code fma}: 2 · 12 · lanes · iterations flops per op (GFLOP/s = flops / ns), per precision
 * (a vector holds twice as many floats as doubles, so the f32 peak is about twice the f64 one);
 * {@code triad}: y += a·x over n doubles, 24 bytes per element (GB/s = 24n / ns);
 * {@code copy}: n doubles, 16 bytes per element. The bandwidths do not depend on the precision.
 * Run with {@code -t 2} for the two-core ceiling.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakBench {

    @Param({"10000"})
    public int iterations;

    /** Doubles per array for the bandwidth kernels: 4M = 32 MB, well past L2. */
    @Param({"4194304"})
    public int n;

    double seed = 0.5;
    double[] x, y;
    DenseKernels simd;

    /** The FMA peak's precision, a state of its own so that only fma runs once per precision. */
    @State(Scope.Thread)
    public static class Fma {

        @Param({"f64", "f32"})
        public String precision;

        boolean f32;
        float seed = 0.5f;

        @Setup
        public void setup() {
            f32 = KernelState.isF32(precision);
            KernelState.kernels("simd", 1); // fails loudly if SIMD cannot run
        }
    }

    @Setup
    public void setup() {
        simd = KernelState.kernels("simd", 1);
        x = new double[n];
        y = new double[n];
        java.util.Arrays.fill(x, 1.0);
    }

    @Benchmark
    public double fma(Fma fma) {
        return fma.f32 ? SimdDenseKernelsF32.fmaPeak(iterations, fma.seed) : SimdDenseKernels.fmaPeak(iterations, seed);
    }

    @Benchmark
    public double[] triad() {
        simd.axpy(n, 1e-9, x, y);
        return y;
    }

    @Benchmark
    public double[] copy() {
        System.arraycopy(x, 0, y, 0, n);
        return y;
    }
}
