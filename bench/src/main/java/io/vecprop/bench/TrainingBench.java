package io.vecprop.bench;

import io.vecprop.kernels.Activation;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import java.util.concurrent.TimeUnit;
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
 * are seeded random; the f32 network and inputs are the f64 ones rounded (see {@link TrainingStep}).
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

    /**
     * The hidden layers' activation (W2 to W4; the output stays sigmoid): sigmoid, the worked
     * example's and the default, or any other, such as relu, to compare their steps.
     */
    @Param({"sigmoid"})
    public String activation;

    /**
     * The update rule: none (plain SGD's fused step, as before this parameter) or an optimizer by its
     * {@code --optimizer} name (sgd, momentum, nesterov, adam, adamw), to time what each adds to a step.
     */
    @Param({"none"})
    public String optimizer;

    /** Inverted dropout's rate on the hidden layers ({@code --dropout}), 0 for none: to time what its masks add. */
    @Param({"0"})
    public double dropout;

    TrainingStep state;

    @Setup(Level.Trial)
    public void setup() {
        state = workload.equals("W1") ? TrainingStep.workedExample(kernels, threads, precision)
                : TrainingStep.random(Workloads.widths(workload), Workloads.batch(workload), kernels, threads, precision,
                        Activation.parse(activation));
        state.optimizer(optimizer);
        state.dropout(dropout);
    }

    /** Training updates the weights in place: each iteration starts from the same ones. */
    @Setup(Level.Iteration)
    public void reset() {
        state.reset();
    }

    @Benchmark
    public double step() {
        return state.step();
    }
}
