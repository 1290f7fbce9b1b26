package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.simd.SimdDenseKernels;
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

/** Sigmoid over n doubles in [-10, 10]: scalar, SIMD on a hand-written exp (poly), SIMD on lanewise(EXP). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SigmoidBench {

    @Param({"scalar", "poly", "lanewise"})
    public String kernels;

    @Param({"1024", "4096", "65536"})
    public int n;

    DenseKernels scalar;
    double[] x, out;

    @Setup
    public void setup() {
        scalar = KernelState.kernels("scalar", 1);
        if (!kernels.equals("scalar")) {
            KernelState.kernels("simd", 1); // fails loudly if SIMD cannot run
        }
        x = new SplittableRandom(2).doubles(n, -10, 10).toArray();
        out = new double[n];
    }

    @Benchmark
    public double[] sigmoid() {
        switch (kernels) {
            case "poly" -> SimdDenseKernels.sigmoidPoly(n, x, out);
            case "lanewise" -> SimdDenseKernels.sigmoidLanewise(n, x, out);
            default -> scalar.sigmoid(n, x, out);
        }
        return out;
    }
}
