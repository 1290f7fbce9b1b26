package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
 * The three products of a training step on square n x n operands (2n³ flops each): the forward
 * {@code X·Wᵀ + b}, the deltas {@code Delta·W} ({@code mult}) and the rank-k update
 * {@code W += α·Deltaᵀ·X}. {@code ejml} runs EJML's {@code multTransB}, {@code mult} and
 * {@code multAddTransA} (single-threaded) as baselines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBench {

    @Param({"scalar", "simd", "ejml"})
    public String kernels;

    @Param({"256", "1024"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    DenseKernels k;
    double[] a, b, bias, c;
    DMatrixRMaj am, bm, cm;

    @Setup
    public void setup() {
        k = KernelState.kernels(kernels.equals("ejml") ? "scalar" : kernels, threads);
        SplittableRandom rnd = new SplittableRandom(1);
        a = rnd.doubles((long) n * n, -1, 1).toArray();
        b = rnd.doubles((long) n * n, -1, 1).toArray();
        bias = new double[n];
        c = new double[n * n];
        am = DMatrixRMaj.wrap(n, n, a);
        bm = DMatrixRMaj.wrap(n, n, b);
        cm = DMatrixRMaj.wrap(n, n, c);
    }

    @Benchmark
    public double[] forward() {
        if (kernels.equals("ejml")) {
            CommonOps_DDRM.multTransB(am, bm, cm);
        } else {
            k.multTransBAddBias(n, n, n, a, b, bias, c);
        }
        return c;
    }

    @Benchmark
    public double[] mult() {
        if (kernels.equals("ejml")) {
            CommonOps_DDRM.mult(am, bm, cm);
        } else {
            k.mult(n, n, n, a, b, c);
        }
        return c;
    }

    @Benchmark
    public double[] rankK() {
        // alpha 0: C keeps its values, so repeated calls do not drift, and the full product still runs
        if (kernels.equals("ejml")) {
            CommonOps_DDRM.multAddTransA(0.0, am, bm, cm);
        } else {
            k.multAddTransA(n, n, n, 0.0, a, b, c);
        }
        return c;
    }
}
