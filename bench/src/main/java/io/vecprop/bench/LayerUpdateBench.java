package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import java.util.Arrays;
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
 * One layer's weight update from a batch, the phase an optimizer changes, on W3's 1024 x 1024 hidden
 * layer and a batch of 128: {@code sgd}, the rank-128 product straight into W (plain SGD's fused
 * step); {@code gradient}, the product into a zeroed gradient buffer; {@code adam}, that and then the
 * Adam pass over g, m, v and W, as {@code AdamState} runs it. {@code adam − sgd} is what Adam adds to
 * this layer's step, {@code adam − gradient} its pass alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class LayerUpdateBench {

    @Param({"sgd", "gradient", "adam"})
    public String update;

    @Param({"simd"})
    public String kernels;

    @Param({"2"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    @Param({"1024"})
    public int width;

    @Param({"128"})
    public int batch;

    boolean f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] delta, in, g, m, v, w;
    float[] deltaF, inF, gF, mF, vF, wF;

    @Setup
    public void setup() {
        f32 = KernelState.isF32(precision);
        SplittableRandom rnd = new SplittableRandom(4);
        int size = width * width;
        delta = rnd.doubles((long) batch * width, -1e-3, 1e-3).toArray();
        in = rnd.doubles((long) batch * width, 0, 1).toArray();
        g = new double[size];
        m = rnd.doubles(size, -1e-4, 1e-4).toArray();
        v = rnd.doubles(size, 0, 1e-6).toArray();
        w = rnd.doubles(size, -0.05, 0.05).toArray();
        if (f32) {
            kF = KernelState.kernelsF32(kernels, threads);
            deltaF = KernelState.narrow(delta);
            inF = KernelState.narrow(in);
            gF = new float[size];
            mF = KernelState.narrow(m);
            vF = KernelState.narrow(v);
            wF = KernelState.narrow(w);
            delta = in = g = m = v = w = null;
        } else {
            k = KernelState.kernels(kernels, threads);
        }
    }

    @Benchmark
    public void update() {
        // a tiny rate and step keep W, m and v in range over any number of repeats
        int n = width;
        boolean sgd = update.equals("sgd"), adam = update.equals("adam");
        if (f32) {
            if (sgd) {
                kF.multAddTransA(n, n, batch, -1e-9f, deltaF, inF, wF);
                return;
            }
            Arrays.fill(gF, 0);
            kF.multAddTransA(n, n, batch, 1f / batch, deltaF, inF, gF);
            if (adam) {
                kF.adam(n * n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-9f, 0.03f, 1e-8f, 1, 0, 1, gF, mF, vF, wF);
            }
        } else {
            if (sgd) {
                k.multAddTransA(n, n, batch, -1e-9, delta, in, w);
                return;
            }
            Arrays.fill(g, 0);
            k.multAddTransA(n, n, batch, 1.0 / batch, delta, in, g);
            if (adam) {
                k.adam(n * n, 0.9, 0.1, 0.999, 0.001, 1e-9, 0.03, 1e-8, 1, 0, 1, g, m, v, w);
            }
        }
    }
}
