package io.vecprop.spark;

import io.vecprop.data.Dataset;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Parameters;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import io.vecprop.train.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel SGD on Spark, as {@link MiniBatchTrainer.Steps}.
 *
 * <p>At the start of a run the training rows are cut into P contiguous blocks, one per partition,
 * and each block is broadcast once. Each step then broadcasts the driver's weights, runs one task
 * per partition ({@code mapPartitions}) that sums the gradient of the batch's rows in its block
 * with the vecprop engine, adds the partitions' sums with {@code treeReduce}, and takes the step
 * on the driver: plain SGD or momentum, exactly as on one machine from the same sum. The batches
 * are the trainer's, so composition and order are those of single-machine training with the same
 * seed; only the order in which a batch's rows are summed differs.
 *
 * <p>A failed task is retried by Spark from the same broadcast weights, so a retry changes nothing.
 */
final class SparkSteps implements MiniBatchTrainer.Steps {

    private final JavaSparkContext sc;
    private final Cluster.Settings settings;

    private String run;
    private long step;
    private DenseNetwork network;
    private Optimizer optimizer;
    private Workers.Recipe recipe;
    private List<Broadcast<Block>> blocks;
    private JavaRDD<Integer> partitions;
    private long correct;

    SparkSteps(JavaSparkContext sc, Cluster.Settings settings) {
        this.sc = sc;
        this.settings = settings;
    }

    /** How many partitions a run on n rows uses: the settings', else Spark's default parallelism; at most n. */
    int partitionsFor(int n) {
        int p = settings.partitions() > 0 ? settings.partitions() : sc.defaultParallelism();
        return Math.max(1, Math.min(p, n));
    }

    @Override
    public void start(DenseNetwork network, Dataset train, MiniBatchTrainer.Options options, int batch) {
        finish(); // a Steps may run again
        this.network = network;
        this.run = UUID.randomUUID().toString();
        this.step = 0;
        this.recipe = Workers.Recipe.of(network, settings.kernels(), settings.threads(), batch, options.newDropout());
        int n = train.size(), p = partitionsFor(n);
        List<Broadcast<Block>> list = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            list.add(sc.broadcast(Block.of(train, (int) ((long) n * i / p), (int) ((long) n * (i + 1) / p))));
        }
        this.blocks = List.copyOf(list);
        this.partitions = sc.parallelize(IntStream.range(0, p).boxed().toList(), p);
        this.optimizer = Optimizer.of(options); // the driver's, as on one machine: its state starts at zero
    }

    @Override
    public double step(int epoch, int[] order, int from, int rows, double learningRate) {
        Broadcast<Parameters> weights = sc.broadcast(network.parameters());
        int[] batch = Arrays.copyOfRange(order, from, from + rows);
        GradientSum sum;
        try {
            sum = partitions.mapPartitions(new GradientTask(run, ++step, epoch, recipe, blocks, weights, batch))
                    .treeReduce(GradientSum::add);
        } catch (Exception e) { // Scala throws SparkException, a checked exception Java is not told of
            throw SparkTrainer.taskFailure(e);
        } finally {
            weights.destroy();
        }
        if (sum.rows() != rows) {
            throw new IllegalStateException("the partitions summed " + sum.rows() + " rows of a batch of " + rows);
        }
        optimizer.applyGradientSum(network, sum, learningRate);
        correct = sum.correct();
        return sum.lossSum() / rows;
    }

    @Override
    public long correct() {
        return correct;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public void finish() {
        if (blocks != null) {
            for (Broadcast<Block> b : blocks) {
                b.destroy();
            }
            blocks = null;
            Workers.forget(run);
        }
    }
}
