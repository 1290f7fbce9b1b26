package io.vecprop.spark.bench;

import io.vecprop.data.Dataset;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.kernels.Precision;
import io.vecprop.spark.SparkTrainer;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of mini-batch SGD (a batch of 128, cross-entropy, momentum 0.9), taken on this machine
 * ({@code where=local}: SIMD kernels on 2 threads) or through Spark in {@code local[2]}
 * ({@code where=spark}: two partitions, each a task with SIMD kernels on 1 thread, then the driver's
 * update). The difference is what a Spark round costs: broadcasting the weights, scheduling two
 * tasks, sending back two gradients and adding them. Sample mode, so JMH reports the median step.
 *
 * <p>A JMH benchmark, not a test: it lives in the test tree only for the class path (Spark's jars are
 * {@code provided}), in a package of benchmarks that surefire never runs (no {@code Test*} names);
 * run as docs/spark.md ("Training on Spark") shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.configurationFile=io/vecprop/spark/log4j2.properties"})
public class SparkStepBench {

    /** 8-16-3: 195 parameters, the fixed cost; 784-1024-256-10: 1.07M; 784-2048-1024-10: 3.71M. */
    @Param({"8-16-3", "784-1024-256-10", "784-2048-1024-10"})
    public String widths;

    /** local: on this machine; spark: through Spark as SparkTrainer configures it; spark-defaults: with Spark's own broadcast compression and result size. */
    @Param({"local", "spark", "spark-defaults"})
    public String where;

    private JavaSparkContext sc;
    private MiniBatchTrainer.Steps steps;
    private int[] order;
    private int from;
    private static final int BATCH = 128;

    @Setup(Level.Trial)
    public void setUp() {
        int[] w = Arrays.stream(widths.split("-")).mapToInt(Integer::parseInt).toArray();
        Dataset data = Synthetic.blobs(BATCH * 16, w[0], w[w.length - 1], 1.0, 1);
        KernelProvider.Choice simd = KernelProvider.Choice.SIMD;
        KernelSelection kernels = KernelProvider.select(simd, 2);
        DenseNetwork network = DenseNetwork.random(Precision.F64, kernels, Loss.CROSS_ENTROPY, 1, w);
        if (where.startsWith("spark")) {
            if (where.equals("spark-defaults")) {
                System.setProperty("spark.broadcast.compress", "true");
                System.setProperty("spark.task.maxDirectResultSize", "1m");
            }
            sc = SparkTrainer.context("local[2]", "SparkStepBench");
            steps = SparkTrainer.steps(sc, new Cluster.Settings(simd, 1, 2, "SparkStepBench"));
        } else {
            steps = MiniBatchTrainer.local();
        }
        // a tiny learning rate: thousands of steps on the same rows should not drive the weights anywhere odd
        steps.start(network, data, new MiniBatchTrainer.Options(1, BATCH, 1e-4, 0.9, 1, true, true, 0), BATCH);
        order = new int[data.size()];
        Arrays.setAll(order, i -> i);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        steps.finish();
        if (sc != null) {
            sc.stop();
        }
    }

    @Benchmark
    public double step() {
        double loss = steps.step(1, order, from, BATCH, 1e-4);
        from = (from + BATCH) % order.length;
        return loss;
    }
}
