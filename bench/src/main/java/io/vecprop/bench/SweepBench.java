package io.vecprop.bench;

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
 * The sweep behind {@code vecprop bench --sweep}: one training step, the same as
 * {@link TrainingBench}'s ({@link TrainingStep}: forward, backward, SGD update; sigmoid,
 * half-squared error, lr 0.1, biases trained), of a square width-width-width network (two layers
 * of width x width weights, so the step has a hidden delta as real networks do; at 1024 and
 * batch 1 it is workload W2) over width, batch, kernels, threads and precision. A batch of one
 * takes the online step, as W2 does; larger batches the batched step. Each step does
 * 5 · batch · width² multiply-adds in five products of batch · width² each (forward twice, the
 * hidden delta, the two weight updates).
 *
 * <p>The forks set both split thresholds of {@code Tuning} to 1, so on two threads every kernel
 * call is split, whatever its size: the two-thread time then says what a second thread gains at
 * that size, and the size where it starts to gain is the threshold to set. The scalar kernels run
 * on one thread whatever {@code threads} says; {@code vecprop bench} runs them only on one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dvecprop.minWorkPerThread=1",
    "-Dvecprop.gemmMinWorkPerThread=1", "-Dvecprop.gemmThinMinWorkPerThread=1"})
public class SweepBench {

    @Param({"64", "128", "256", "512", "1024", "2048", "4096"})
    public int width;

    @Param({"1", "8", "32", "128", "256"})
    public int batch;

    @Param({"scalar", "simd"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    @Param({"f64", "f32"})
    public String precision;

    TrainingStep state;

    @Setup(Level.Trial)
    public void setup() {
        state = TrainingStep.random(new int[] {width, width, width}, batch, kernels, threads, precision);
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
