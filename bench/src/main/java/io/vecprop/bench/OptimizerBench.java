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
 * What an optimizer adds to a step, one pass at a time over all of W3's 1,863,690 parameters (784-1024-1024-10
 * with biases, as one array): {@code adam}, Adam's update (reads g, m, v and p, writes m, v and p: 7 arrays of
 * traffic); {@code axpy}, one {@code y += a·x} (3 arrays: the unit an SGD velocity update costs); {@code scale},
 * {@code x *= a} (2 arrays, momentum's decay); {@code zero}, clearing a gradient buffer (1 array). Their
 * times over the bytes they move give the bandwidth a pass gets, the floor of any optimizer that keeps
 * state the size of W. {@code size} 2048 runs the same passes on arrays that stay in L1 and L2 (64 KB in
 * f64): a pass that takes as long per element there is bound by its arithmetic, not by memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class OptimizerBench {

    /** W3's parameters: 784·1024 + 1024 + 1024·1024 + 1024 + 1024·10 + 10. */
    public static final int W3 = 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10;

    @Param({"adam", "axpy", "scale", "zero"})
    public String pass;

    @Param({"simd"})
    public String kernels;

    @Param({"2"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    /** Parameters per pass: W3's ({@link #W3}), or 2048 (in cache). */
    @Param({"" + W3})
    public int size;

    boolean f32;
    DenseKernels k;
    DenseKernelsF32 kF;
    double[] g, m, v, p;
    float[] gF, mF, vF, pF;

    @Setup
    public void setup() {
        f32 = KernelState.isF32(precision);
        SplittableRandom rnd = new SplittableRandom(3);
        g = rnd.doubles(size, -1e-3, 1e-3).toArray();
        m = rnd.doubles(size, -1e-4, 1e-4).toArray();
        v = rnd.doubles(size, 0, 1e-6).toArray();
        p = rnd.doubles(size, -0.05, 0.05).toArray();
        if (f32) {
            kF = KernelState.kernelsF32(kernels, threads);
            gF = KernelState.narrow(g);
            mF = KernelState.narrow(m);
            vF = KernelState.narrow(v);
            pF = KernelState.narrow(p);
            g = m = v = p = null;
        } else {
            k = KernelState.kernels(kernels, threads);
        }
    }

    /** Bytes the pass reads and writes, for GB/s: 7, 3, 2 or 1 arrays of {@code size}. */
    public long bytes() {
        int arrays = switch (pass) {
            case "adam" -> 7;
            case "axpy" -> 3;
            case "scale" -> 2;
            default -> 1;
        };
        return (long) arrays * size * (f32 ? 4 : 8);
    }

    @Benchmark
    public void pass() {
        // rates small enough that repeated passes keep every value in range; scale by 1 leaves x as it is
        if (f32) {
            switch (pass) {
                case "adam" -> kF.adam(size, 0.9f, 0.1f, 0.999f, 0.001f, 1e-9f, 0.03f, 1e-8f, 1, 0, 1, gF, mF, vF, pF);
                case "axpy" -> kF.axpy(size, 1e-9f, gF, pF);
                case "scale" -> kF.scale(size, 1, mF);
                default -> java.util.Arrays.fill(gF, 0);
            }
        } else {
            switch (pass) {
                case "adam" -> k.adam(size, 0.9, 0.1, 0.999, 0.001, 1e-9, 0.03, 1e-8, 1, 0, 1, g, m, v, p);
                case "axpy" -> k.axpy(size, 1e-9, g, p);
                case "scale" -> k.scale(size, 1, m);
                default -> java.util.Arrays.fill(g, 0);
            }
        }
    }
}
