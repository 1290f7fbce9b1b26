package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.train.Sgd;
import io.vecprop.kernels.SimdSupport;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The float32 network's training steps allocate nothing once warm, as {@code TestNetwork} checks
 * for double and measured the same way: the least bytes the thread allocated over three rounds of
 * 1000 steps, below 1 KB (one allocation per step would be at least 16 KB; the JIT may allocate a
 * few hundred bytes once while compiling). SIMD in a JVM of its own, on 1 and 2 threads, at
 * batches of 1 and 32; scalar here.
 */
class TestTrainStepAllocationF32 {

    /** N x cols, uniform in [lo, hi). */
    static FMatrixRMaj uniform(Random rnd, int rows, int cols, double lo, double hi) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return m;
    }

    static FMatrixRMaj inputs(long seed, int n, int width) {
        return uniform(new Random(seed), n, width, -1, 1);
    }

    static FMatrixRMaj targets(long seed, int n, int width) {
        return uniform(new Random(seed ^ 0x5DEECE66DL), n, width, 0, 1);
    }

    /** One-hot rows over the given classes. */
    static FMatrixRMaj oneHot(long seed, int n, int classes) {
        Random rnd = new Random(seed);
        FMatrixRMaj t = new FMatrixRMaj(n, classes);
        for (int r = 0; r < n; r++) {
            t.set(r, rnd.nextInt(classes), 1f);
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
        for (int n : new int[] {1, 32}) {
            long least = leastAllocatedPer1000Steps(sun, KernelsF32.scalar(), n);
            assertTrue(least < 1024, "1000 float steps at N = " + n + " allocated " + least + " bytes");
        }
    }

    @Test
    void simdTrainStepAllocatesNothingAfterWarmUp() throws Exception {
        SimdSupport.simdF32(1); // SIMD required by the build: fails, not skips, when it cannot run
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean) || !((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemorySupported()) {
            org.junit.jupiter.api.Assumptions.abort("thread allocation counting not supported");
            return;
        }
        // in a fresh JVM, as a user's is (see TestNetwork: a profile polluted by hundreds of other
        // tests can make C2 box a vector on some rare path, which says nothing about a training run)
        java.nio.file.Path javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "probe finished");
        assertEquals(0, p.exitValue(), out);
        java.util.List<String> lines = out.lines().filter(l -> l.startsWith("N=")).toList();
        lines.forEach(l -> System.out.println("float32 SIMD training steps, " + l + " bytes per 1000"));
        assertEquals(4, lines.size(), out);
        for (String line : lines) {
            long least = Long.parseLong(line.substring(line.indexOf("least=") + 6).trim());
            assertTrue(least < 1024, "1000 float steps at " + line + " bytes");
        }
    }

    /** Measures allocation of float training steps in a JVM of its own; prints {@code N=1 on 1 threads least=...}. */
    public static final class AllocationProbe {
        public static void main(String[] args) {
            com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            sun.setThreadAllocatedMemoryEnabled(true);
            KernelsF32 one = KernelProvider.select(KernelProvider.Choice.SIMD, 1, Precision.F32).f32();
            for (int n : new int[] {1, 32}) {
                System.out.println("N=" + n + " on 1 threads least=" + leastAllocatedPer1000Steps(sun, one, n));
            }
            // and on two threads, wide enough that the products and updates are split across them
            KernelsF32 two = KernelProvider.select(KernelProvider.Choice.SIMD, 2, Precision.F32).f32();
            if (two.info().threads() != 2) {
                throw new AssertionError("asked for 2 threads, got " + two.info());
            }
            for (int n : new int[] {1, 32}) {
                NetworkF32 network = NetworkF32.random(two, 7, 512, 512, 10);
                FMatrixRMaj x = inputs(7, n, 512);
                FMatrixRMaj t = targets(7, n, 10);
                for (int i = 0; i < 3000; i++) {
                    network.trainStep(x, t, 0.01f, true);
                }
                long least = Long.MAX_VALUE;
                float sink = 0;
                for (int round = 0; round < 3; round++) {
                    long start = sun.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 1000; i++) {
                        sink += network.trainStep(x, t, 0.01f, true);
                    }
                    least = Math.min(least, sun.getCurrentThreadAllocatedBytes() - start);
                }
                if (!Float.isFinite(sink)) {
                    throw new AssertionError("training diverged");
                }
                System.out.println("N=" + n + " on 2 threads least=" + least);
            }
        }
    }

    /**
     * Least bytes allocated by 1000 iterations of trainStep, backward, applyGradients and loss, and
     * a momentum step of a softmax network on cross-entropy, after warm-up.
     */
    static long leastAllocatedPer1000Steps(com.sun.management.ThreadMXBean sun, KernelsF32 kernels, int n) {
        // as the double test: 9 sigmoid outputs (in float a vector and a tail at 256 bits)
        NetworkF32 network = NetworkF32.random(kernels, 91, 13, 31, 17, 9);
        // softmax rows of 70 classes: the SIMD softmax (and its inlined exp) takes rows of at least
        // four vectors, 64 floats at 512 bits, so fewer classes would run the scalar one at every width
        NetworkF32 softmax = NetworkF32.random(kernels, Loss.CROSS_ENTROPY, 92, 13, 31, 17, 70);
        FMatrixRMaj x = inputs(91, n, 13);
        FMatrixRMaj t = targets(91, n, 9);
        FMatrixRMaj t70 = oneHot(93, n, 70);
        Sgd momentum = new Sgd(0.9, true), plain = new Sgd(0, true);
        // long enough for C2 to compile every kernel involved: interpreted Vector API code allocates
        for (int i = 0; i < 20_000; i++) {
            momentum.step(softmax, x, t70, 0.01f); // allocates the velocities once
            network.trainStep(x, t, 0.01f, (i & 1) == 0);
            network.backward(x, t); // allocates the gradients once
            plain.applyGradients(network, 0.01f);
            network.loss(x, t);
        }
        long least = Long.MAX_VALUE;
        float sink = 0;
        for (int round = 0; round < 3; round++) {
            long overhead = measureOverhead(sun);
            long start = sun.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                sink += momentum.step(softmax, x, t70, 0.01f);
                sink += network.trainStep(x, t, 0.01f, (i & 1) == 0);
                sink += network.backward(x, t);
                plain.applyGradients(network, 0.01f);
                sink += network.loss(x, t);
            }
            least = Math.min(least, sun.getCurrentThreadAllocatedBytes() - start - overhead);
        }
        if (!Float.isFinite(sink)) {
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
