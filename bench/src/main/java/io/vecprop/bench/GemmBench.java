package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
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
 * {@code multAddTransA} (single-threaded) as baselines. {@code f64} runs on doubles
 * ({@code CommonOps_DDRM} for EJML), {@code f32} on floats ({@code CommonOps_FDRM}), the same
 * operands rounded.
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

    @Param({"f64", "f32"})
    public String precision;

    boolean ejml, f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] a, b, bias, c;
    float[] aF, bF, biasF, cF;
    DMatrixRMaj am, bm, cm;
    FMatrixRMaj amF, bmF, cmF;

    @Setup
    public void setup() {
        ejml = kernels.equals("ejml");
        f32 = KernelState.isF32(precision);
        String impl = ejml ? "scalar" : kernels;
        SplittableRandom rnd = new SplittableRandom(1);
        double[] aValues = rnd.doubles((long) n * n, -1, 1).toArray();
        double[] bValues = rnd.doubles((long) n * n, -1, 1).toArray();
        if (f32) {
            kF = KernelState.kernelsF32(impl, threads);
            aF = KernelState.narrow(aValues);
            bF = KernelState.narrow(bValues);
            biasF = new float[n];
            cF = new float[n * n];
            amF = FMatrixRMaj.wrap(n, n, aF);
            bmF = FMatrixRMaj.wrap(n, n, bF);
            cmF = FMatrixRMaj.wrap(n, n, cF);
        } else {
            k = KernelState.kernels(impl, threads);
            a = aValues;
            b = bValues;
            bias = new double[n];
            c = new double[n * n];
            am = DMatrixRMaj.wrap(n, n, a);
            bm = DMatrixRMaj.wrap(n, n, b);
            cm = DMatrixRMaj.wrap(n, n, c);
        }
    }

    @Benchmark
    public Object forward() {
        if (f32) {
            if (ejml) {
                CommonOps_FDRM.multTransB(amF, bmF, cmF);
            } else {
                kF.multTransBAddBias(n, n, n, aF, bF, biasF, cF);
            }
            return cF;
        }
        if (ejml) {
            CommonOps_DDRM.multTransB(am, bm, cm);
        } else {
            k.multTransBAddBias(n, n, n, a, b, bias, c);
        }
        return c;
    }

    @Benchmark
    public Object mult() {
        if (f32) {
            if (ejml) {
                CommonOps_FDRM.mult(amF, bmF, cmF);
            } else {
                kF.mult(n, n, n, aF, bF, cF);
            }
            return cF;
        }
        if (ejml) {
            CommonOps_DDRM.mult(am, bm, cm);
        } else {
            k.mult(n, n, n, a, b, c);
        }
        return c;
    }

    @Benchmark
    public Object rankK() {
        // alpha 0: C keeps its values, so repeated calls do not drift, and the full product still runs
        if (f32) {
            if (ejml) {
                CommonOps_FDRM.multAddTransA(0.0f, amF, bmF, cmF);
            } else {
                kF.multAddTransA(n, n, n, 0.0f, aF, bF, cF);
            }
            return cF;
        }
        if (ejml) {
            CommonOps_DDRM.multAddTransA(0.0, am, bm, cm);
        } else {
            k.multAddTransA(n, n, n, 0.0, a, b, c);
        }
        return c;
    }
}
