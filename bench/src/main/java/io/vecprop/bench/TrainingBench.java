package io.vecprop.bench;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.train.Workloads;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
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
 * trained) on fixed workloads, in double ({@code f64}, {@link Network}) or float ({@code f32},
 * {@link NetworkF32}): W1 the worked example, online; W2 1024-1024-1024, online (batch 1); W3
 * 784-1024-1024-10, batch 128; W4 4096-4096, batch 256. Weights are reset every iteration, inputs
 * are seeded random; the f32 network and inputs are the f64 ones rounded.
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

    @Param({"f64", "f32"})
    public String precision;

    boolean f32;
    Network start, net;
    NetworkF32 startF, netF;
    DMatrixRMaj x, t;
    FMatrixRMaj xF, tF;

    @Setup(Level.Trial)
    public void setup() {
        f32 = KernelState.isF32(precision);
        if (workload.equals("W1")) {
            if (f32) {
                startF = WorkedExample.network(Kernels.scalar()).toF32(kernelsF32());
                xF = narrow(WorkedExample.input());
                tF = narrow(WorkedExample.target());
            } else {
                start = WorkedExample.network(Kernels.of(KernelState.kernels(kernels, threads)));
                x = WorkedExample.input();
                t = WorkedExample.target();
            }
            return;
        }
        int[] widths = Workloads.widths(workload);
        int n = Workloads.batch(workload);
        SplittableRandom rnd = new SplittableRandom(5);
        x = new DMatrixRMaj(n, widths[0]);
        t = new DMatrixRMaj(n, widths[widths.length - 1]);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextDouble();
        }
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = rnd.nextDouble();
        }
        if (f32) {
            // the same seed draws the same weights, rounded to float
            startF = NetworkF32.random(kernelsF32(), 1, widths);
            xF = narrow(x);
            tF = narrow(t);
            x = t = null;
        } else {
            start = Network.random(Kernels.of(KernelState.kernels(kernels, threads)), 1, widths);
        }
    }

    private KernelsF32 kernelsF32() {
        return KernelProvider.selectF32(KernelProvider.Choice.parse(kernels), threads).kernels();
    }

    private static FMatrixRMaj narrow(DMatrixRMaj m) {
        return new FMatrixRMaj(m.numRows, m.numCols, true, KernelState.narrow(m.data));
    }

    /** Training updates the weights in place: each iteration starts from the same ones. */
    @Setup(Level.Iteration)
    public void reset() {
        if (f32) {
            if (netF == null) {
                netF = startF.copy(startF.kernels());
            }
            for (int l = 0; l < startF.layerCount(); l++) {
                System.arraycopy(startF.layer(l).weights().data, 0, netF.layer(l).weights().data, 0,
                        startF.layer(l).weights().data.length);
                System.arraycopy(startF.layer(l).bias().data, 0, netF.layer(l).bias().data, 0,
                        startF.layer(l).bias().data.length);
            }
            return;
        }
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
        return f32 ? netF.trainStep(xF, tF, 0.1f, true) : net.trainStep(x, t, 0.1, true);
    }
}
