package io.vecprop.bench;

import io.vecprop.kernels.simd.SimdDenseKernels;
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
 * {@code fma}: 2 · 12 · lanes · iterations flops per op (GFLOP/s = flops / ns);
 * {@code triad}: y += a·x over n doubles, 24 bytes per element (GB/s = 24n / ns);
 * {@code copy}: n doubles, 16 bytes per element.
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

    @Setup
    public void setup() {
        x = new double[n];
        y = new double[n];
        java.util.Arrays.fill(x, 1.0);
    }

    @Benchmark
    public double fma() {
        return SimdDenseKernels.fmaPeak(iterations, seed);
    }

    @Benchmark
    public double[] triad() {
        KernelState.kernels("simd", 1).axpy(n, 1e-9, x, y);
        return y;
    }

    @Benchmark
    public double[] copy() {
        System.arraycopy(x, 0, y, 0, n);
        return y;
    }
}
