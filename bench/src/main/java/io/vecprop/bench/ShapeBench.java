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
 * The SIMD products at the shapes W3 and W4 train with, as {@code bench/peers/torch_workloads.py}
 * times them in OpenBLAS (its {@code gemm_cases}): {@code op:workload:m x n x k}, 2·m·n·k flops.
 * {@code forward} is {@code C = A·Bᵀ + b} (A the batch, B the weights), {@code mult} {@code C = A·B}
 * (the deltas through W), {@code rankK} {@code C += α·Aᵀ·B} (the update of W, α tiny and nonzero
 * so C barely moves and no product is skipped).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ShapeBench {

    @Param({"forward:W3:128x1024x784", "forward:W3:128x1024x1024", "mult:W3:128x1024x1024", "rankK:W3:1024x784x128",
        "rankK:W3:1024x1024x128", "forward:W4:256x4096x4096", "rankK:W4:4096x4096x256"})
    public String product;

    @Param({"1", "2"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    String op;
    int m, n, k;
    boolean f32;
    DenseKernels kd;
    DenseKernelsF32 kf;
    double[] a, b, bias, c;
    float[] aF, bF, biasF, cF;

    @Setup
    public void setup() {
        String[] parts = product.split(":");
        op = parts[0];
        String[] dims = parts[2].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        f32 = KernelState.isF32(precision);
        SplittableRandom rnd = new SplittableRandom(1);
        // forward: A m x k, B n x k; mult: A m x k, B k x n; rankK: A k x m, B k x n
        long aSize = (long) m * k, bSize = (long) n * k;
        double[] av = rnd.doubles(aSize, -1, 1).toArray();
        double[] bv = rnd.doubles(bSize, -1, 1).toArray();
        if (f32) {
            kf = KernelState.kernelsF32("simd", threads);
            aF = KernelState.narrow(av);
            bF = KernelState.narrow(bv);
            biasF = new float[n];
            cF = new float[m * n];
        } else {
            kd = KernelState.kernels("simd", threads);
            a = av;
            b = bv;
            bias = new double[n];
            c = new double[m * n];
        }
    }

    @Benchmark
    public Object product() {
        if (f32) {
            switch (op) {
                case "forward" -> kf.multTransBAddBias(m, n, k, aF, bF, biasF, cF);
                case "mult" -> kf.mult(m, n, k, aF, bF, cF);
                default -> kf.multAddTransA(m, n, k, 1e-30f, aF, bF, cF);
            }
            return cF;
        }
        switch (op) {
            case "forward" -> kd.multTransBAddBias(m, n, k, a, b, bias, c);
            case "mult" -> kd.mult(m, n, k, a, b, c);
            default -> kd.multAddTransA(m, n, k, 1e-300, a, b, c);
        }
        return c;
    }
}
