package io.vecprop.bench;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_FDRM;
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
 * Weight updates of an n x n W: the outer product {@code W += α·x·yᵀ} (online SGD; W read and
 * written, 16 bytes per element in {@code f64}, 8 in {@code f32}), the fused online backward step
 * (the same traffic, plus Wᵀ·delta), and the rank-k update {@code W += α·Δᵀ·X} for a batch of 128
 * (2 · 128 · n² flops). {@code ejml} runs EJML's own {@code addOuterProd} and {@code multAddTransA}
 * as baselines ({@code _DDRM} in doubles, {@code _FDRM} in floats). The f32 operands are the f64
 * ones rounded; there α·x·y is below half an ulp of W, so W keeps its values while every element is
 * still read, computed and written.
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

    @Param({"f64", "f32"})
    public String precision;

    boolean ejml, f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] w, wStart, x, y, deltaIn, deltaBatch, xBatch;
    float[] wF, wStartF, xF, yF, deltaInF, deltaBatchF, xBatchF;
    DMatrixRMaj wm, xm, ym, deltaM, xBatchM, deltaInM;
    FMatrixRMaj wmF, xmF, ymF, deltaMF, xBatchMF, deltaInMF;

    @Setup
    public void setup() {
        ejml = kernels.equals("ejml");
        f32 = KernelState.isF32(precision);
        String impl = ejml ? "scalar" : kernels;
        SplittableRandom rnd = new SplittableRandom(4);
        double[] wValues = rnd.doubles((long) n * n, -1, 1).toArray();
        double[] xValues = rnd.doubles(n, -1, 1).toArray();
        double[] yValues = rnd.doubles(n, 0, 1).toArray();
        double[] deltaValues = rnd.doubles((long) BATCH * n, -1, 1).toArray();
        double[] xBatchValues = rnd.doubles((long) BATCH * n, 0, 1).toArray();
        if (f32) {
            kF = KernelState.kernelsF32(impl, threads);
            wStartF = KernelState.narrow(wValues);
            wF = wStartF.clone();
            xF = KernelState.narrow(xValues);
            yF = KernelState.narrow(yValues);
            deltaInF = new float[n];
            deltaBatchF = KernelState.narrow(deltaValues);
            xBatchF = KernelState.narrow(xBatchValues);
            wmF = FMatrixRMaj.wrap(n, n, wF);
            xmF = FMatrixRMaj.wrap(n, 1, xF);
            ymF = FMatrixRMaj.wrap(n, 1, yF);
            deltaMF = FMatrixRMaj.wrap(BATCH, n, deltaBatchF);
            xBatchMF = FMatrixRMaj.wrap(BATCH, n, xBatchF);
            deltaInMF = FMatrixRMaj.wrap(n, 1, deltaInF);
        } else {
            k = KernelState.kernels(impl, threads);
            wStart = wValues;
            w = wStart.clone();
            x = xValues;
            y = yValues;
            deltaIn = new double[n];
            deltaBatch = deltaValues;
            xBatch = xBatchValues;
            wm = DMatrixRMaj.wrap(n, n, w);
            xm = DMatrixRMaj.wrap(n, 1, x);
            ym = DMatrixRMaj.wrap(n, 1, y);
            deltaM = DMatrixRMaj.wrap(BATCH, n, deltaBatch);
            xBatchM = DMatrixRMaj.wrap(BATCH, n, xBatch);
            deltaInM = DMatrixRMaj.wrap(n, 1, deltaIn);
        }
    }

    /** In-place updates drift: each iteration starts from the same W. */
    @Setup(Level.Iteration)
    public void resetW() {
        if (f32) {
            System.arraycopy(wStartF, 0, wF, 0, wF.length);
        } else {
            System.arraycopy(wStart, 0, w, 0, w.length);
        }
    }

    @Benchmark
    public Object outerProduct() {
        if (f32) {
            if (ejml) {
                VectorVectorMult_FDRM.addOuterProd(-1e-9f, xmF, ymF, wmF);
            } else {
                kF.addOuterProd(n, n, -1e-9f, xF, yF, wF);
            }
            return wF;
        }
        if (ejml) {
            VectorVectorMult_DDRM.addOuterProd(-1e-9, xm, ym, wm);
        } else {
            k.addOuterProd(n, n, -1e-9, x, y, w);
        }
        return w;
    }

    @Benchmark
    public Object onlineBackward() {
        if (f32) {
            if (ejml) {
                // EJML has no fused step: Wᵀ·delta, then the outer product, two passes over W
                CommonOps_FDRM.multTransA(wmF, xmF, deltaInMF);
                VectorVectorMult_FDRM.addOuterProd(-1e-9f, xmF, ymF, wmF);
            } else {
                kF.onlineBackward(Activation.SIGMOID, n, n, -1e-9f, xF, yF, yF, wF, deltaInF);
            }
            return deltaInF;
        }
        if (ejml) {
            // EJML has no fused step: Wᵀ·delta, then the outer product, two passes over W
            CommonOps_DDRM.multTransA(wm, xm, deltaInM);
            VectorVectorMult_DDRM.addOuterProd(-1e-9, xm, ym, wm);
        } else {
            k.onlineBackward(Activation.SIGMOID, n, n, -1e-9, x, y, y, w, deltaIn);
        }
        return deltaIn;
    }

    @Benchmark
    public Object rankK() {
        if (f32) {
            if (ejml) {
                CommonOps_FDRM.multAddTransA(-1e-9f, deltaMF, xBatchMF, wmF);
            } else {
                kF.multAddTransA(n, n, BATCH, -1e-9f, deltaBatchF, xBatchF, wF);
            }
            return wF;
        }
        if (ejml) {
            CommonOps_DDRM.multAddTransA(-1e-9, deltaM, xBatchM, wm);
        } else {
            k.multAddTransA(n, n, BATCH, -1e-9, deltaBatch, xBatch, w);
        }
        return w;
    }
}
