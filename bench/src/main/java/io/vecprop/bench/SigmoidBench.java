package io.vecprop.bench;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import io.vecprop.kernels.simd.SimdExp;
import io.vecprop.kernels.simd.SimdExpF32;
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
 * Sigmoid over n values in [-10, 10], doubles ({@code f64}) or floats ({@code f32}): scalar, SIMD
 * on a hand-written exp (poly), SIMD on lanewise(EXP).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SigmoidBench {

    private static final int SCALAR = 0, POLY = 1, LANEWISE = 2;

    @Param({"scalar", "poly", "lanewise"})
    public String kernels;

    @Param({"1024", "4096", "65536"})
    public int n;

    @Param({"f64", "f32"})
    public String precision;

    /** kernels as a number, so the measured method compares ints, not strings. */
    int variant;
    boolean f32;
    DenseKernels scalar;
    DenseKernelsF32 scalarF32;
    double[] x, out;
    float[] xF, outF;

    @Setup
    public void setup() {
        variant = switch (kernels) {
            case "scalar" -> SCALAR;
            case "poly" -> POLY;
            case "lanewise" -> LANEWISE;
            default -> throw new IllegalArgumentException("kernels " + kernels + ": scalar, poly or lanewise");
        };
        f32 = KernelState.isF32(precision);
        if (variant != SCALAR) {
            KernelState.kernels("simd", 1); // fails loudly if SIMD cannot run
        }
        double[] values = new SplittableRandom(2).doubles(n, -10, 10).toArray();
        if (f32) {
            scalarF32 = KernelState.kernelsF32("scalar", 1);
            xF = KernelState.narrow(values);
            outF = new float[n];
        } else {
            scalar = KernelState.kernels("scalar", 1);
            x = values;
            out = new double[n];
        }
    }

    @Benchmark
    public Object sigmoid() {
        if (f32) {
            switch (variant) {
                case POLY -> SimdExpF32.sigmoidPoly(n, xF, outF);
                case LANEWISE -> SimdExpF32.sigmoidLanewise(n, xF, outF);
                default -> scalarF32.sigmoid(n, xF, outF);
            }
            return outF;
        }
        switch (variant) {
            case POLY -> SimdExp.sigmoidPoly(n, x, out);
            case LANEWISE -> SimdExp.sigmoidLanewise(n, x, out);
            default -> scalar.sigmoid(n, x, out);
        }
        return out;
    }
}
