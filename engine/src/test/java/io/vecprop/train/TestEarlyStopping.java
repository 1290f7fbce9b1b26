package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.data.Scaler;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import org.junit.jupiter.api.Test;

/**
 * Early stopping on a set that overfits (few noisy samples, a wide ReLU network): it stops PATIENCE
 * epochs after the lowest validation loss, and ends with exactly the weights a run of that many
 * epochs ends with (the same seed takes the same steps), in both precisions.
 */
class TestEarlyStopping {

    private static final Dataset TRAIN, VALIDATION;

    static {
        Dataset all = Synthetic.blobs(1000, 64, 10, 4.0, 7);
        Scaler s = Scaler.fit(Scaler.Kind.STANDARD, all.inputs());
        s.apply(all.inputs());
        int[] train = new int[800], validation = new int[200];
        for (int i = 0; i < 1000; i++) {
            if (i < 800) {
                train[i] = i;
            } else {
                validation[i - 800] = i;
            }
        }
        TRAIN = all.select("train", train);
        VALIDATION = all.select("validation", validation);
    }

    private static Network network() {
        return Network.builder().input(64).dense(128, Activation.RELU).dense(128, Activation.RELU)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(3).build(Kernels.scalar());
    }

    private static MiniBatchTrainer.Options options(int epochs, int earlyStop) {
        return new MiniBatchTrainer.Options(epochs, 32, 0.01, 0.9, 5, true, true, 0, earlyStop);
    }

    private static double[] weights(DenseNetwork n) {
        return n.parameters().f64();
    }

    @Test
    void stopsPatienceEpochsAfterTheBestAndKeepsItsWeightsExactly() {
        Network stopped = network();
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(stopped, TRAIN, VALIDATION, options(60, 3),
                MiniBatchTrainer.Listener.NONE);
        assertTrue(r.stoppedEarly(), "this set overfits within 60 epochs");
        int kept = r.keptEpoch();
        assertEquals(kept + 3, r.epochs().size(), "three epochs without improvement, then stop");
        double best = r.epochs().stream().mapToDouble(MiniBatchTrainer.Epoch::validationLoss).min().orElseThrow();
        assertEquals(best, r.kept().validationLoss(), "the kept epoch has the lowest validation loss");
        for (MiniBatchTrainer.Epoch e : r.epochs().subList(kept, r.epochs().size())) {
            assertTrue(e.validationLoss() >= best, "no later epoch improved: " + e);
        }

        Network straight = network();
        MiniBatchTrainer.train(straight, TRAIN, VALIDATION, options(kept, 0), MiniBatchTrainer.Listener.NONE);
        assertArrayEquals(weights(straight), weights(stopped), "the kept weights are those after epoch " + kept);
        assertEquals(MiniBatchTrainer.evaluate(straight, VALIDATION, 100), MiniBatchTrainer.evaluate(stopped, VALIDATION, 100));
        assertEquals(best, MiniBatchTrainer.evaluate(stopped, VALIDATION, 32).loss(), 0.0); // in the trainer's chunks
    }

    @Test
    void inFloatToo() {
        NetworkF32 stopped = NetworkF32.builder().input(64).dense(128, Activation.RELU).dense(128, Activation.RELU)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(3).build(KernelsF32.scalar());
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(stopped, TRAIN, VALIDATION, options(60, 2),
                MiniBatchTrainer.Listener.NONE);
        assertTrue(r.stoppedEarly());
        NetworkF32 straight = NetworkF32.builder().input(64).dense(128, Activation.RELU).dense(128, Activation.RELU)
                .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(3).build(KernelsF32.scalar());
        MiniBatchTrainer.train(straight, TRAIN, VALIDATION, options(r.keptEpoch(), 0), MiniBatchTrainer.Listener.NONE);
        assertArrayEquals(straight.parameters().f32(), stopped.parameters().f32());
    }

    @Test
    void aPatienceNeverExhaustedStillEndsWithTheBestEpoch() {
        Network n = network();
        MiniBatchTrainer.Result r = MiniBatchTrainer.train(n, TRAIN, VALIDATION, options(8, 100), MiniBatchTrainer.Listener.NONE);
        assertFalse(r.stoppedEarly());
        assertEquals(8, r.epochs().size());
        double best = r.epochs().stream().mapToDouble(MiniBatchTrainer.Epoch::validationLoss).min().orElseThrow();
        assertEquals(best, MiniBatchTrainer.evaluate(n, VALIDATION, 32).loss(), 0.0);
        assertEquals(0, MiniBatchTrainer.train(network(), TRAIN, VALIDATION, options(2, 0), MiniBatchTrainer.Listener.NONE)
                .keptEpoch(), "without early stopping no epoch is kept: the last one's weights stay");
    }

    @Test
    void needsAValidationSetAndAPatienceOfAtLeastOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MiniBatchTrainer.train(network(), TRAIN, null, options(3, 2), MiniBatchTrainer.Listener.NONE));
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> options(3, -1));
        assertTrue(e.getMessage().contains("patience -1"), e.getMessage());
    }
}
