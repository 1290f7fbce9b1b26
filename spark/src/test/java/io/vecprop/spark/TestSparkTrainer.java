package io.vecprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import io.vecprop.kernels.Precision;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import io.vecprop.train.OptimizerSpec;
import io.vecprop.train.Schedule;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training on Spark in local[2] against training on one machine with the same seed, batches and
 * data order. Gradients are sums, so only the order of summation differs: the weights must agree
 * to {@link #F64_TOLERANCE} (f64) or {@link #F32_TOLERANCE} (f32) of the largest weight of their
 * layer, and the reported losses and accuracies likewise.
 */
class TestSparkTrainer {

    /** Double: a few ulps per step of a weight of order 1, over 20 steps. */
    static final double F64_TOLERANCE = 1e-12;
    /** Float: the same in float ulps. */
    static final double F32_TOLERANCE = 1e-5;

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTrainer.context("local[2]", "TestSparkTrainer");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static final Dataset BLOBS = Synthetic.blobs(360, 8, 3, 1.0, 17);

    static Dataset rows(int from, int to) {
        return BLOBS.select("blobs", IntStream.range(from, to).toArray());
    }

    static MiniBatchTrainer.Options options(double momentum) {
        return new MiniBatchTrainer.Options(2, 32, 0.1, momentum, 19, true, true, 0);
    }

    static DenseNetwork network(Precision precision) {
        return DenseNetwork.random(precision, KernelSelection.scalar(), Loss.CROSS_ENTROPY, 23, 8, 16, 3);
    }

    static Cluster.Settings settings(KernelProvider.Choice kernels, int partitions) {
        return new Cluster.Settings(kernels, 1, partitions, "test");
    }

    @ParameterizedTest(name = "{0}, momentum {1}, {2} partitions, {3} kernels")
    @CsvSource({"F64, 0.9, 0, scalar", "F64, 0, 3, scalar", "F64, 0.9, 5, simd", "F32, 0.9, 0, scalar", "F32, 0.9, 3, simd"})
    void trainsAsOneMachineUpToTheOrderOfSummation(Precision precision, double momentum, int partitions, String kernels) {
        // 300 rows for training (10 batches of 32 and one of 12), 60 to validate, 2 epochs
        Dataset train = rows(0, 300), validation = rows(300, 360);
        DenseNetwork local = network(precision), spark = network(precision);
        MiniBatchTrainer.Result a = MiniBatchTrainer.train(local, train, validation, options(momentum), MiniBatchTrainer.Listener.NONE);
        MiniBatchTrainer.Result b = SparkTrainer.train(sc, spark, train, validation, options(momentum), MiniBatchTrainer.Listener.NONE,
                settings(KernelProvider.Choice.parse(kernels), partitions));
        double tolerance = precision == Precision.F64 ? F64_TOLERANCE : F32_TOLERANCE;
        assertSameWeights(local, spark, tolerance);
        assertFalse(Arrays.equals(network(precision).weightValues(0), spark.weightValues(0)), "the weights moved");
        assertEquals(a.epochs().size(), b.epochs().size());
        for (int e = 0; e < a.epochs().size(); e++) {
            MiniBatchTrainer.Epoch x = a.epochs().get(e), y = b.epochs().get(e);
            assertEquals(x.trainLoss(), y.trainLoss(), tolerance * x.trainLoss(), "epoch " + (e + 1) + " training loss");
            assertEquals(x.trainAccuracy(), y.trainAccuracy(), "epoch " + (e + 1) + " training accuracy");
            assertEquals(x.validationLoss(), y.validationLoss(), tolerance * x.validationLoss(), "epoch " + (e + 1) + " validation loss");
            assertEquals(x.validationAccuracy(), y.validationAccuracy(), "epoch " + (e + 1) + " validation accuracy");
            assertEquals(300, y.samples());
        }
        assertTrue(b.last().validationAccuracy() > 0.6, "it learns (a third by chance): " + b.last().validationAccuracy());
    }

    @ParameterizedTest(name = "{0} on {1}, {2}")
    @CsvSource({"relu;relu;softmax, cross-entropy, F64", "tanh;gelu;linear, mse, F64", "leaky-relu:0.1;gelu;sigmoid, binary-cross-entropy, F32",
        "gelu;tanh;tanh, half-squared-error, F32", "relu;relu;relu, mse, F64"})
    void everyActivationAndLossTrainsAsOneMachine(String activations, String loss, Precision precision) {
        List<Activation> fs = Arrays.stream(activations.split(";")).map(Activation::parse).toList();
        Loss l = Loss.of(loss);
        Dataset train = rows(0, 300), validation = rows(300, 360);
        DenseNetwork local = DenseNetwork.random(precision, KernelSelection.scalar(), l, fs, Init.AUTO, 29, 8, 16, 12, 3);
        DenseNetwork spark = DenseNetwork.random(precision, KernelSelection.scalar(), l, fs, Init.AUTO, 29, 8, 16, 12, 3);
        MiniBatchTrainer.Options o = new MiniBatchTrainer.Options(2, 32, 0.05, 0.9, 19, true, true, 0);
        MiniBatchTrainer.Result a = MiniBatchTrainer.train(local, train, validation, o, MiniBatchTrainer.Listener.NONE);
        MiniBatchTrainer.Result b = SparkTrainer.train(sc, spark, train, validation, o, MiniBatchTrainer.Listener.NONE,
                settings(KernelProvider.Choice.SIMD, 3));
        double tolerance = precision == Precision.F64 ? F64_TOLERANCE : F32_TOLERANCE;
        assertSameWeights(local, spark, tolerance);
        assertEquals(a.last().validationLoss(), b.last().validationLoss(), tolerance * a.last().validationLoss());
        assertFalse(Arrays.equals(DenseNetwork.random(precision, KernelSelection.scalar(), l, fs, Init.AUTO, 29, 8, 16, 12, 3)
                .weightValues(0), spark.weightValues(0)), "the weights moved");
    }

    /**
     * Every update rule and schedule, with early stopping and dropout: the driver holds the optimizer's state,
     * takes each epoch's rate and keeps the best epoch's weights, and each worker drops the units one machine
     * drops, as on one machine.
     */
    @ParameterizedTest(name = "{0}, {1}, warm-up {2}, clip {3}, {4}, dropout {5}")
    @CsvSource({"nesterov, 'step:every=1,gamma=0.5', 0, 0, F64, 0", "adam, cosine, 1, 1.0, F64, 0.2",
        "adamw, 'plateau:patience=0,factor=0.5', 0, 0, F32, 0", "sgd, constant, 1, 0, F32, 0.3",
        "momentum, 'step:every=2,gamma=0.1', 0, 0.5, F64, 0", "adam, constant, 0, 0, F32, 0"})
    void everyOptimizerAndScheduleTrainsAsOneMachine(String rule, String schedule, int warmup, double clip, Precision precision,
            double dropout) {
        OptimizerSpec spec = switch (OptimizerSpec.Kind.parse(rule)) {
            case SGD -> OptimizerSpec.sgd(0).withWeightDecay(1e-3);
            case MOMENTUM -> OptimizerSpec.sgd(0.9);
            case NESTEROV -> OptimizerSpec.nesterov(0.9).withWeightDecay(1e-3);
            case ADAM -> OptimizerSpec.adam();
            case ADAMW -> OptimizerSpec.adamW();
        };
        MiniBatchTrainer.Options o = MiniBatchTrainer.Options.builder().epochs(3).batch(32).optimizer(spec)
                .learningRate(spec.kind().adam() ? 0.01 : 0.1).seed(19).schedule(Schedule.parse(schedule)).warmup(warmup)
                .clipNorm(clip).earlyStop(1).dropout(dropout).build();
        Dataset train = rows(0, 300), validation = rows(300, 360);
        DenseNetwork local = network(precision), spark = network(precision);
        MiniBatchTrainer.Result a = MiniBatchTrainer.train(local, train, validation, o, MiniBatchTrainer.Listener.NONE);
        MiniBatchTrainer.Result b = SparkTrainer.train(sc, spark, train, validation, o, MiniBatchTrainer.Listener.NONE,
                settings(KernelProvider.Choice.SIMD, 3));
        double tolerance = precision == Precision.F64 ? F64_TOLERANCE : F32_TOLERANCE;
        assertSameWeights(local, spark, tolerance);
        assertEquals(a.keptEpoch(), b.keptEpoch(), "early stopping keeps the same epoch");
        assertEquals(a.epochs().size(), b.epochs().size());
        for (int e = 0; e < a.epochs().size(); e++) {
            assertEquals(a.epochs().get(e).learningRate(), b.epochs().get(e).learningRate(), 0, "epoch " + (e + 1) + "'s rate");
        }
        assertFalse(Arrays.equals(network(precision).weightValues(0), spark.weightValues(0)), "the weights moved");
        assertTrue(b.last().validationAccuracy() > 0.6, rule + " learns: " + b.last().validationAccuracy());
    }

    @Test
    void moreRowsPerPartitionThanABatchAndMorePartitionsThanRows() {
        // 7 rows on 12 partitions: 7 partitions of one row; a batch of 3 touches at most 3 of them
        Dataset seven = rows(0, 7);
        DenseNetwork local = network(Precision.F64), spark = network(Precision.F64);
        MiniBatchTrainer.Options o = new MiniBatchTrainer.Options(3, 3, 0.1, 0.5, 4, true, true, 0);
        MiniBatchTrainer.train(local, seven, null, o, MiniBatchTrainer.Listener.NONE);
        SparkTrainer.train(sc, spark, seven, null, o, MiniBatchTrainer.Listener.NONE, settings(KernelProvider.Choice.SCALAR, 12));
        assertSameWeights(local, spark, F64_TOLERANCE);
    }

    @Test
    void theDriverGetsEveryBatchDoneInOrder() {
        int[] seen = new int[2];
        SparkTrainer.train(sc, network(Precision.F64), rows(0, 100), null, new MiniBatchTrainer.Options(1, 25, 0.1, 0, 1, true, true, 0),
                new MiniBatchTrainer.Listener() {
                    @Override
                    public void batchDone(int batchesDone, long samplesDone, double runningLoss) {
                        assertEquals(++seen[0], batchesDone);
                        seen[1] = (int) samplesDone;
                    }
                }, settings(KernelProvider.Choice.SCALAR, 0));
        assertEquals(4, seen[0]);
        assertEquals(100, seen[1]);
    }

    static void assertSameWeights(DenseNetwork expected, DenseNetwork actual, double tolerance) {
        for (int l = 0; l < expected.layerCount(); l++) {
            double[] we = expected.weightValues(l), wa = actual.weightValues(l);
            double max = Arrays.stream(we).map(Math::abs).max().orElseThrow();
            for (int i = 0; i < we.length; i++) {
                assertEquals(we[i], wa[i], tolerance * max, "W of layer " + l + " [" + i + "]");
            }
            double[] be = expected.biasValues(l), ba = actual.biasValues(l);
            for (int i = 0; i < be.length; i++) {
                assertEquals(be[i], ba[i], tolerance * max, "b of layer " + l + " [" + i + "]");
            }
        }
    }
}
