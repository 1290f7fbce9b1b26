package io.vecprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.KernelProvider;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.kernels.Precision;
import io.vecprop.train.MiniBatchTrainer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Worker failures: in local[2,4] (two threads, up to four attempts per task) a task that fails is
 * run again from the same broadcast weights, so the run ends with the same weights, bit for bit, as
 * one without failures. With two partitions the driver adds two sums, in either order, and a + b
 * equals b + a exactly, so bit-identity is the right test here.
 */
class TestSparkRetry {

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTrainer.context("local[2,4]", "TestSparkRetry");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @AfterEach
    void noObserver() {
        GradientTask.observer = null;
    }

    private static DenseNetwork train(int partitions) {
        DenseNetwork network = TestSparkTrainer.network(Precision.F64);
        SparkTrainer.train(sc, network, TestSparkTrainer.rows(0, 300), null, TestSparkTrainer.options(0.9),
                MiniBatchTrainer.Listener.NONE, TestSparkTrainer.settings(KernelProvider.Choice.SCALAR, partitions));
        return network;
    }

    private static double[] weights(DenseNetwork n) {
        return n.parameters().f64();
    }

    @Test
    void aTaskThatFailsIsRetriedAndTheWeightsAreTheSame() {
        double[] clean = weights(train(2));
        // partition 1 fails on its first attempt at step 3, partition 0 at step 15
        List<String> attempts = new CopyOnWriteArrayList<>();
        GradientTask.observer = (partition, step, attempt) -> {
            if ((partition == 1 && step == 3) || (partition == 0 && step == 15)) {
                attempts.add(partition + "@" + step + "#" + attempt);
                if (attempt == 0) {
                    throw new IllegalStateException("injected failure of partition " + partition + " at step " + step);
                }
            }
        };
        double[] retried = weights(train(2));
        assertEquals(List.of("1@3#0", "1@3#1", "0@15#0", "0@15#1"), attempts, "each failed once and ran again");
        assertArrayEquals(clean, retried, "the same weights, bit for bit");
        // and the same as one machine, within the tolerance of summation order
        DenseNetwork local = TestSparkTrainer.network(Precision.F64);
        MiniBatchTrainer.train(local, TestSparkTrainer.rows(0, 300), null, TestSparkTrainer.options(0.9), MiniBatchTrainer.Listener.NONE);
        DenseNetwork spark = TestSparkTrainer.network(Precision.F64);
        spark.setParameters(io.vecprop.nn.Parameters.of(retried));
        TestSparkTrainer.assertSameWeights(local, spark, TestSparkTrainer.F64_TOLERANCE);
    }

    @Test
    void aTaskThatAlwaysFailsEndsTheRunWithItsOwnMessage() {
        GradientTask.observer = (partition, step, attempt) -> {
            if (step == 2) {
                throw new IllegalStateException("disk full on executor " + partition);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> train(2));
        assertTrue(e.getMessage().startsWith("a training step on Spark failed: IllegalStateException: disk full on executor"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
