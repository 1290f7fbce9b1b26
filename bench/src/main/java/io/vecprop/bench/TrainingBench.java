package io.vecprop.bench;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
import io.vecprop.train.Workloads;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
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

/**
 * One training step (forward, backward, SGD update; sigmoid, half-squared error, lr 0.1, biases
 * trained, double precision) on fixed workloads:
 * W1 the worked example, online; W2 1024-1024-1024, online (batch 1); W3 784-1024-1024-10, batch
 * 128; W4 4096-4096, batch 256. Weights are reset every iteration, inputs are seeded random.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TrainingBench {

    @Param({"W1", "W2", "W3", "W4"})
    public String workload;

    @Param({"scalar", "simd"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    Network start, net;
    DMatrixRMaj x, t;

    @Setup(Level.Trial)
    public void setup() {
        Kernels k = Kernels.of(KernelState.kernels(kernels, threads));
        if (workload.equals("W1")) {
            start = WorkedExample.network(k);
            x = WorkedExample.input();
            t = WorkedExample.target();
            return;
        }
        int[] widths = Workloads.widths(workload);
        int n = Workloads.batch(workload);
        start = Network.random(k, 1, widths);
        SplittableRandom rnd = new SplittableRandom(5);
        x = new DMatrixRMaj(n, widths[0]);
        t = new DMatrixRMaj(n, widths[widths.length - 1]);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextDouble();
        }
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = rnd.nextDouble();
        }
    }

    /** Training updates the weights in place: each iteration starts from the same ones. */
    @Setup(Level.Iteration)
    public void reset() {
        if (net == null) {
            net = start.copy(start.kernels());
        }
        for (int l = 0; l < start.layerCount(); l++) {
            System.arraycopy(start.layer(l).weights().data, 0, net.layer(l).weights().data, 0,
                    start.layer(l).weights().data.length);
            System.arraycopy(start.layer(l).bias().data, 0, net.layer(l).bias().data, 0,
                    start.layer(l).bias().data.length);
        }
    }

    @Benchmark
    public double step() {
        return net.trainStep(x, t, 0.1, true);
    }
}
