package io.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.Precision;
import io.vecprop.kernels.SimdSupport;
import io.vecprop.train.MiniBatchTrainer;
import io.vecprop.train.Optimizer;
import io.vecprop.train.OptimizerSpec;
import io.vecprop.train.Sgd;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Training steps allocate nothing once warm: trainStep (plain and with momentum), backward,
 * applyGradients, loss and a data-parallel step (a worker's gradient sum, copied out and applied by
 * the driver), measured as the least bytes the thread allocated over three rounds of 1000 steps,
 * below 1 KB (one allocation per step would be at least 16 KB; the JIT may allocate a few hundred
 * bytes once while compiling). Scalar here; SIMD in a JVM of its own, on 1 and 2 threads. The
 * build generates the float32 twin, {@code TestTrainStepAllocationF32}, from this class.
 */
@GenerateF32
class TestTrainStepAllocation {

    /** The batches measured on one thread, scalar and SIMD. */
    static final int[] BATCHES = {1, 9}; //@f32 static final int[] BATCHES = {1, 32};
    /** The batches measured on two threads, in a network wide enough that its products and updates split. */
    static final int[] TWO_THREAD_BATCHES = {1, 32};
    /**
     * Classes of the softmax network: the SIMD softmax (and its inlined exp) takes rows of at least
     * four vectors, 32 lanes of f64 or 64 of f32 at 512 bits, so fewer would run the scalar one at
     * some width.
     */
    static final int CLASSES = 70;

    /** N x cols, uniform in [lo, hi). */
    static DMatrixRMaj uniform(Random rnd, int rows, int cols, double lo, double hi) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = lo + (hi - lo) * rnd.nextDouble(); //@f32 m.data[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return m;
    }

    static DMatrixRMaj inputs(long seed, int n, int width) {
        return uniform(new Random(seed), n, width, -1, 1);
    }

    static DMatrixRMaj targets(long seed, int n, int width) {
        return uniform(new Random(seed ^ 0x5DEECE66DL), n, width, 0, 1);
    }

    /** One-hot rows over the given classes. */
    static DMatrixRMaj oneHot(long seed, int n, int classes) {
        Random rnd = new Random(seed);
        DMatrixRMaj t = new DMatrixRMaj(n, classes);
        for (int r = 0; r < n; r++) {
            t.set(r, rnd.nextInt(classes), 1.0);
        }
        return t;
    }

    @Test
    void scalarTrainStepAllocatesNothingAfterWarmUp() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            org.junit.jupiter.api.Assumptions.abort("thread allocation counting not supported");
            return;
        }
        for (int n : BATCHES) {
            long least = leastAllocatedPer1000Steps(sun, Kernels.scalar(), n);
            assertTrue(least < 1024, "1000 double steps at N = " + n + " allocated " + least + " bytes");
        }
    }

    @Test
    void simdTrainStepAllocatesNothingAfterWarmUp() throws Exception {
        SimdSupport.simd(1); // SIMD required by the build: fails, not skips, when it cannot run //@f32 SimdSupport.simdF32(1); // SIMD required by the build: fails, not skips, when it cannot run
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            org.junit.jupiter.api.Assumptions.abort("thread allocation counting not supported");
            return;
        }
        // In a fresh JVM, as a user's is. In this one, hundreds of other tests have run the kernels
        // on other shapes and with the scalar twin, and a profile that polluted can make C2 box a
        // vector on some rare path, which says nothing about a training run.
        java.nio.file.Path javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "probe finished");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("N=")).toList();
        lines.forEach(l -> System.out.println("double SIMD training steps, " + l + " bytes per 1000"));
        assertEquals(BATCHES.length + TWO_THREAD_BATCHES.length, lines.size(), out);
        for (String line : lines) {
            long least = Long.parseLong(line.substring(line.indexOf("least=") + 6).trim());
            assertTrue(least < 1024, "1000 double steps at " + line + " bytes");
        }
    }

    /** Measures allocation of SIMD training steps in a JVM of its own; prints {@code N=1 on 1 threads least=...}. */
    public static final class AllocationProbe {
        public static void main(String[] args) {
            com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            sun.setThreadAllocatedMemoryEnabled(true);
            Kernels one = KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F64).f64(); //@f32 KernelsF32 one = KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F32).f32();
            for (int n : BATCHES) {
                System.out.println("N=" + n + " on 1 threads least=" + leastAllocatedPer1000Steps(sun, one, n));
            }
            Kernels two = KernelProvider.select(KernelProvider.Choice.SIMD, 2, Precision.F64).f64(); //@f32 KernelsF32 two = KernelProvider.select(KernelProvider.Choice.SIMD, 2, Precision.F32).f32();
            if (two.info().threads() != 2) {
                throw new AssertionError("asked for 2 threads, got " + two.info());
            }
            for (int n : TWO_THREAD_BATCHES) {
                Network network = Network.random(two, 7, 512, 512, 10);
                DMatrixRMaj x = inputs(7, n, 512);
                DMatrixRMaj t = targets(7, n, 10);
                for (int i = 0; i < 3000; i++) {
                    network.trainStep(x, t, 0.01, true);
                }
                long least = Long.MAX_VALUE;
                double sink = 0;
                for (int round = 0; round < 3; round++) {
                    long start = sun.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 1000; i++) {
                        sink += network.trainStep(x, t, 0.01, true);
                    }
                    least = Math.min(least, sun.getCurrentThreadAllocatedBytes() - start);
                }
                if (!Double.isFinite(sink)) {
                    throw new AssertionError("training diverged");
                }
                System.out.println("N=" + n + " on 2 threads least=" + least);
            }
        }
    }

    /**
     * Least bytes allocated by 1000 iterations of trainStep, backward, applyGradients and loss, a
     * momentum step of a softmax network on cross-entropy, a data-parallel step, steps of
     * networks of every other activation and loss, and steps with dropout, after warm-up.
     */
    static long leastAllocatedPer1000Steps(com.sun.management.ThreadMXBean sun, Kernels kernels, int n) {
        // 9 outputs: a vector of 8 lanes and a tail (at 512 bits in f64, at 256 in f32), the length
        // at which C2 once boxed the vectors of the elementwise kernels (see Tuning.SIMD_MIN_VECTORS)
        Network network = Network.random(kernels, 91, 13, 31, 17, 9);
        Network softmax = Network.random(kernels, Loss.CROSS_ENTROPY, 92, 13, 31, 17, CLASSES);
        DMatrixRMaj x = inputs(91, n, 13);
        DMatrixRMaj t = targets(91, n, 9);
        DMatrixRMaj classes = oneHot(93, n, CLASSES);
        // every other activation, on rows of CLASSES units so the SIMD kernels take them, under the
        // mean squared error (linear output) and the binary cross-entropy (sigmoid output)
        Network mixed = Network.random(kernels, Loss.MSE, List.of(Activation.TANH, Activation.RELU, Activation.GELU,
                Activation.leakyRelu(0.1), Activation.LINEAR), Init.AUTO, 94, 13, CLASSES, CLASSES, CLASSES, CLASSES, 9);
        Network bce = Network.random(kernels, Loss.BINARY_CROSS_ENTROPY, List.of(Activation.RELU, Activation.SIGMOID),
                Init.AUTO, 95, 13, CLASSES, 9);
        // a data-parallel step: a worker's gradient sum, copied out, applied with momentum by the driver
        Network worker = softmax.copy(kernels);
        double[] flat = new double[softmax.parameterCount()];
        GradientSum sum = GradientSum.of(flat, 0, 0, n); // the array is used: copyGradients refills it
        Sgd momentum = new Sgd(0.9, true), plain = new Sgd(0, true);
        // the other rules: Nesterov with decay, Adam with clipping (the whole gradient formed first), AdamW on a sum
        Optimizer nesterov = Optimizer.of(new OptimizerSpec(OptimizerSpec.Kind.NESTEROV, 0.9, 0.9, 0.999, 1e-8, 1e-4), true);
        Optimizer adamClipped = Optimizer.of(MiniBatchTrainer.Options.builder().optimizer(OptimizerSpec.adam()).clipNorm(0.5)
                .build());
        Optimizer adamW = Optimizer.of(OptimizerSpec.adamW(), true);
        // dropout on the mixed activations: masks drawn per step, into buffers allocated on the first pass
        Network dropping = mixed.copy(kernels);
        Dropout dropout = new Dropout(0.3, 5);
        dropping.dropout(dropout);
        // long enough for C2 to compile every kernel involved: interpreted Vector API code allocates
        for (int i = 0; i < 20_000; i++) {
            momentum.step(softmax, x, classes, 0.01); // allocates the velocities once
            network.trainStep(x, t, 0.01, (i & 1) == 0);
            network.backward(x, t); // allocates the gradients once
            plain.applyGradients(network, 0.01);
            network.loss(x, t);
            worker.gradientSum(x, classes);
            worker.copyGradients(flat);
            momentum.applyGradientSum(softmax, sum, 0.01);
            mixed.trainStep(x, t, 0.001, true);
            mixed.backward(x, t);
            bce.trainStep(x, t, 0.01, true);
            nesterov.step(bce, x, t, 0.01);
            adamClipped.step(bce, x, t, 0.001);
            adamW.applyGradientSum(softmax, sum, 0.001);
            dropout.rows(i, null, 0);
            dropping.trainStep(x, t, 0.001, true);
            dropping.gradientSum(x, t);
        }
        long least = Long.MAX_VALUE;
        double sink = 0;
        for (int round = 0; round < 3; round++) {
            long overhead = measureOverhead(sun);
            long start = sun.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                sink += momentum.step(softmax, x, classes, 0.01);
                sink += network.trainStep(x, t, 0.01, (i & 1) == 0);
                sink += network.backward(x, t);
                plain.applyGradients(network, 0.01);
                sink += network.loss(x, t);
                sink += worker.gradientSum(x, classes);
                worker.copyGradients(flat);
                momentum.applyGradientSum(softmax, sum, 0.01);
                sink += mixed.trainStep(x, t, 0.001, true);
                sink += mixed.backward(x, t);
                sink += bce.trainStep(x, t, 0.01, true);
                sink += nesterov.step(bce, x, t, 0.01);
                sink += adamClipped.step(bce, x, t, 0.001);
                adamW.applyGradientSum(softmax, sum, 0.001);
                dropout.rows(i + 2, null, 0);
                sink += dropping.trainStep(x, t, 0.001, true);
                sink += dropping.gradientSum(x, t);
            }
            least = Math.min(least, sun.getCurrentThreadAllocatedBytes() - start - overhead);
        }
        if (!Double.isFinite(sink)) {
            throw new AssertionError("training diverged");
        }
        return least;
    }

    private static long measureOverhead(com.sun.management.ThreadMXBean sun) {
        long a = sun.getCurrentThreadAllocatedBytes();
        long b = sun.getCurrentThreadAllocatedBytes();
        return Math.max(0, b - a);
    }
}
