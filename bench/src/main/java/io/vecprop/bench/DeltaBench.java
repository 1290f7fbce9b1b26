package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
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
 * The deltas of a batch of 128 through layers of n units: the output delta
 * {@code (out - t) · out · (1 - out)} over 128 x n values, and the hidden delta
 * {@code (Delta · W) ∘ h(1 - h)} with W n x n (2 · 128 · n² flops), in doubles ({@code f64}) or
 * floats ({@code f32}, the same values rounded).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DeltaBench {

    public static final int BATCH = 128;

    @Param({"scalar", "simd"})
    public String kernels;

    @Param({"256", "1024"})
    public int n;

    @Param({"1"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    boolean f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] out, target, delta, deltaAbove, w, below;
    float[] outF, targetF, deltaF, deltaAboveF, wF, belowF;

    @Setup
    public void setup() {
        f32 = KernelState.isF32(precision);
        SplittableRandom rnd = new SplittableRandom(3);
        out = rnd.doubles(BATCH * n, 0, 1).toArray();
        target = rnd.doubles(BATCH * n, 0, 1).toArray();
        deltaAbove = rnd.doubles(BATCH * n, -1, 1).toArray();
        w = rnd.doubles((long) n * n, -1, 1).toArray();
        if (f32) {
            kF = KernelState.kernelsF32(kernels, threads);
            outF = KernelState.narrow(out);
            targetF = KernelState.narrow(target);
            deltaAboveF = KernelState.narrow(deltaAbove);
            wF = KernelState.narrow(w);
            deltaF = new float[BATCH * n];
            belowF = new float[BATCH * n];
            out = target = deltaAbove = w = null;
        } else {
            k = KernelState.kernels(kernels, threads);
            delta = new double[BATCH * n];
            below = new double[BATCH * n];
        }
    }

    @Benchmark
    public double outputDelta() {
        return f32 ? kF.outputDelta(BATCH * n, outF, targetF, deltaF) : k.outputDelta(BATCH * n, out, target, delta);
    }

    @Benchmark
    public Object hiddenDelta() {
        if (f32) {
            kF.hiddenDelta(BATCH, n, n, deltaAboveF, wF, outF, belowF);
            return belowF;
        }
        k.hiddenDelta(BATCH, n, n, deltaAbove, w, out, below);
        return below;
    }
}
