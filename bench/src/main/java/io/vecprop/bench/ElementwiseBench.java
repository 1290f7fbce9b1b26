package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.simd.SimdDenseKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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

/** Sigmoid over n doubles (elements/ns = n / time) and the outer-product update of an n x n W. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBench {

    @Param({"4096"})
    public int n;

    @Param({"1"})
    public int threads;

    DenseKernels scalar, simd;
    double[] x, out, w, wStart, u, v;
    org.ejml.data.DMatrixRMaj uv, vv, wm;

    @Setup
    public void setup() {
        scalar = KernelState.kernels("scalar", 1);
        simd = KernelState.kernels("simd", threads);
        SplittableRandom rnd = new SplittableRandom(2);
        x = rnd.doubles(n, -10, 10).toArray();
        out = new double[n];
        u = rnd.doubles(n, -1, 1).toArray();
        v = rnd.doubles(n, -1, 1).toArray();
        wStart = rnd.doubles((long) n * n, -1, 1).toArray();
        w = wStart.clone();
        uv = org.ejml.data.DMatrixRMaj.wrap(n, 1, u);
        vv = org.ejml.data.DMatrixRMaj.wrap(n, 1, v);
        wm = org.ejml.data.DMatrixRMaj.wrap(n, n, w);
    }

    /** In-place updates drift: start each iteration from the same W. */
    @Setup(Level.Iteration)
    public void resetW() {
        System.arraycopy(wStart, 0, w, 0, w.length);
    }

    @Benchmark
    public double[] sigmoidScalar() {
        scalar.sigmoid(n, x, out);
        return out;
    }

    @Benchmark
    public double[] sigmoidSimdPoly() {
        SimdDenseKernels.sigmoidPoly(n, x, out);
        return out;
    }

    @Benchmark
    public double[] sigmoidSimdLanewise() {
        SimdDenseKernels.sigmoidLanewise(n, x, out);
        return out;
    }

    @Benchmark
    public double[] outerScalar() {
        scalar.addOuterProd(n, n, -1e-9, u, v, w);
        return w;
    }

    /** EJML's own rank-1 update, the baseline: A += gamma · x · yᵀ. */
    @Benchmark
    public org.ejml.data.DMatrixRMaj outerEjml() {
        org.ejml.dense.row.mult.VectorVectorMult_DDRM.addOuterProd(-1e-9, uv, vv, wm);
        return wm;
    }

    @Benchmark
    public double[] outerSimd() {
        simd.addOuterProd(n, n, -1e-9, u, v, w);
        return w;
    }
}
