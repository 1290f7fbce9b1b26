package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import java.util.SplittableRandom;
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
 * Square products C = A·B (n x n), scalar beside SIMD. GFLOP/s = 2n³ / time.
 * The SIMD forms are the three a training step runs: forward X·Wᵀ + b, deltas Delta·W and the
 * rank-k update Deltaᵀ·X.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBench {

    @Param({"simd"})
    public String kernels;

    @Param({"1024"})
    public int n;

    @Param({"1"})
    public int threads;

    DenseKernels k;
    double[] a, b, bias, c;
    org.ejml.data.DMatrixRMaj am, bm, cm;

    @Setup
    public void setup() {
        k = KernelState.kernels(kernels, threads);
        SplittableRandom rnd = new SplittableRandom(1);
        a = rnd.doubles((long) n * n, -1, 1).toArray();
        b = rnd.doubles((long) n * n, -1, 1).toArray();
        bias = new double[n];
        c = new double[n * n];
        am = org.ejml.data.DMatrixRMaj.wrap(n, n, a);
        bm = org.ejml.data.DMatrixRMaj.wrap(n, n, b);
        cm = new org.ejml.data.DMatrixRMaj(n, n);
    }

    @Benchmark
    public double[] mult() {
        k.mult(n, n, n, a, b, c);
        return c;
    }

    /** EJML's own product, the baseline (single-threaded). */
    @Benchmark
    public org.ejml.data.DMatrixRMaj ejmlMult() {
        org.ejml.dense.row.CommonOps_DDRM.mult(am, bm, cm);
        return cm;
    }

    @Benchmark
    public double[] multTransBAddBias() {
        k.multTransBAddBias(n, n, n, a, b, bias, c);
        return c;
    }

    @Benchmark
    public double[] multAddTransA() {
        // alpha 0: C keeps its values, so repeated calls do not drift, and the full product still runs
        k.multAddTransA(n, n, n, 0.0, a, b, c);
        return c;
    }
}
