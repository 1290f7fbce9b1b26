package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Weight updates of an n x n W: the outer product {@code W += α·x·yᵀ} (online SGD; 16 bytes of W
 * traffic per element), the fused online backward step (the same traffic, plus Wᵀ·delta), and the
 * rank-k update {@code W += α·Δᵀ·X} for a batch of 128 (2 · 128 · n² flops). {@code ejml} runs
 * EJML's own {@code addOuterProd} and {@code multAddTransA} as baselines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class UpdateBench {

    public static final int BATCH = 128;

    @Param({"scalar", "simd", "ejml"})
    public String kernels;

    @Param({"1024", "4096"})
    public int n;

    @Param({"1"})
    public int threads;

    DenseKernels k;
    double[] w, wStart, x, y, deltaIn, deltaBatch, xBatch;
    DMatrixRMaj wm, xm, ym, deltaM, xBatchM, deltaInM;

    @Setup
    public void setup() {
        k = KernelState.kernels(kernels.equals("ejml") ? "scalar" : kernels, threads);
        SplittableRandom rnd = new SplittableRandom(4);
        wStart = rnd.doubles((long) n * n, -1, 1).toArray();
        w = wStart.clone();
        x = rnd.doubles(n, -1, 1).toArray();
        y = rnd.doubles(n, 0, 1).toArray();
        deltaIn = new double[n];
        deltaBatch = rnd.doubles((long) BATCH * n, -1, 1).toArray();
        xBatch = rnd.doubles((long) BATCH * n, 0, 1).toArray();
        wm = DMatrixRMaj.wrap(n, n, w);
        xm = DMatrixRMaj.wrap(n, 1, x);
        ym = DMatrixRMaj.wrap(n, 1, y);
        deltaM = DMatrixRMaj.wrap(BATCH, n, deltaBatch);
        xBatchM = DMatrixRMaj.wrap(BATCH, n, xBatch);
        deltaInM = DMatrixRMaj.wrap(n, 1, deltaIn);
    }

    /** In-place updates drift: each iteration starts from the same W. */
    @Setup(Level.Iteration)
    public void resetW() {
        System.arraycopy(wStart, 0, w, 0, w.length);
    }

    @Benchmark
    public double[] outerProduct() {
        if (kernels.equals("ejml")) {
            VectorVectorMult_DDRM.addOuterProd(-1e-9, xm, ym, wm);
        } else {
            k.addOuterProd(n, n, -1e-9, x, y, w);
        }
        return w;
    }

    @Benchmark
    public double[] onlineBackward() {
        if (kernels.equals("ejml")) {
            // EJML has no fused step: Wᵀ·delta, then the outer product, two passes over W
            CommonOps_DDRM.multTransA(wm, xm, deltaInM);
            VectorVectorMult_DDRM.addOuterProd(-1e-9, xm, ym, wm);
        } else {
            k.onlineBackward(n, n, -1e-9, x, y, w, deltaIn);
        }
        return deltaIn;
    }

    @Benchmark
    public double[] rankK() {
        if (kernels.equals("ejml")) {
            CommonOps_DDRM.multAddTransA(-1e-9, deltaM, xBatchM, wm);
        } else {
            k.multAddTransA(n, n, BATCH, -1e-9, deltaBatch, xBatch, w);
        }
        return w;
    }
}
