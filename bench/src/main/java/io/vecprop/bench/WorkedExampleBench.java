package io.vecprop.bench;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
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

/** One online training step of the worked example: forward, backward and update (ns/step). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class WorkedExampleBench {

    @Param({"scalar", "simd"})
    public String kernels;

    Kernels k;
    Network net;
    DMatrixRMaj x, t;

    @Setup(Level.Trial)
    public void kernels() {
        k = Kernels.of(KernelState.kernels(kernels, 1));
    }

    /** A fresh network each iteration, so every iteration trains from the text's weights. */
    @Setup(Level.Iteration)
    public void setup() {
        net = WorkedExample.network(k);
        x = WorkedExample.input();
        t = WorkedExample.target();
    }

    @Benchmark
    public double step() {
        return net.trainStep(x, t, WorkedExample.LEARNING_RATE, true);
    }
}
