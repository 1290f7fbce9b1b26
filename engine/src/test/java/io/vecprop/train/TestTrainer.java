package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TestTrainer {

    private static final Kernels K = Kernels.scalar();

    /** 1, 2, 5, 10, 20, 50, ... up to 5e18, built independently of the trainer. */
    private static TreeSet<Long> reportCounts() {
        TreeSet<Long> set = new TreeSet<>();
        long decade = 1;
        for (int d = 0; d <= 18; d++) {
            set.add(decade);
            set.add(2 * decade);
            set.add(5 * decade);
            decade *= 10;
        }
        return set;
    }

    @Test
    void nextReportFollowsOneTwoFive() {
        List<Long> seq = new ArrayList<>();
        long r = 1;
        while (seq.size() < 13) {
            seq.add(r);
            r = Trainer.nextReport(r);
        }
        assertEquals(List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L, 2000L, 5000L, 10000L), seq);
        // far out, still 1-2-5
        TreeSet<Long> counts = reportCounts();
        for (long c : counts) {
            if (c < 1_000_000_000_000_000L) {
                assertEquals(counts.higher(c), Trainer.nextReport(c), "after " + c);
            }
        }
    }

    @Test
    void nextReportOfAnyCountIsTheNextOneTwoFiveCount() {
        TreeSet<Long> counts = reportCounts();
        for (long r = 1; r <= 20_000; r++) {
            assertEquals(counts.higher(r), Trainer.nextReport(r), "after " + r);
        }
        for (long r : new long[] {99_999, 123_456, 199_999_999, 4_999_999_999L}) {
            assertEquals(counts.higher(r), Trainer.nextReport(r), "after " + r);
        }
    }

    @Test
    void optionsRejectBadValues() {
        for (double lr : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer.Options(lr, true, 1e-6, 10), "lr " + lr);
            assertTrue(e.getMessage().contains(String.valueOf(lr)), e.getMessage());
        }
        for (double target : new double[] {-1e-9, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer.Options(0.1, true, target, 10), "target " + target);
            assertTrue(e.getMessage().contains(String.valueOf(target)), e.getMessage());
        }
        for (long max : new long[] {0, -1, Long.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer.Options(0.1, true, 1e-6, max), "max " + max);
            assertTrue(e.getMessage().contains(String.valueOf(max)), e.getMessage());
        }
        // the boundaries that are allowed
        Trainer.Options ok = new Trainer.Options(Double.MIN_VALUE, false, 0, 1);
        assertEquals(0, ok.targetLoss(), 0.0);
        assertEquals(1, ok.maxSteps());
        assertFalse(ok.trainBias());
    }

    @Test
    void maxStepsIsRespected() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        for (long budget : new long[] {1, 5, 37}) {
            Network network = WorkedExample.network(K);
            long start = System.nanoTime();
            Trainer.Result result = Trainer.train(network, x, t,
                    new Trainer.Options(0.1, true, 1e-6, budget), Trainer.Listener.NONE);
            long wall = System.nanoTime() - start;
            assertEquals(budget, result.steps());
            assertFalse(result.reachedTarget());
            assertTrue(result.loss() >= 1e-6);
            // the loop's own time: within the call's wall time, never a clock reading or a negative
            assertTrue(result.nanos() >= 0 && result.nanos() <= wall, result.nanos() + " ns of " + wall);
            assertEquals(result.nanos() / 1e9, result.seconds(), 0.0);
            // exactly budget steps were taken
            Network replay = WorkedExample.network(K);
            for (long s = 0; s < budget; s++) {
                replay.trainStep(x, t, 0.1, true);
            }
            assertEquals(replay.loss(x, t), result.loss(), 0.0);
            assertEquals(replay.loss(x, t), network.loss(x, t), 0.0);
        }
    }

    @Test
    void zeroTargetNeverStopsEarly() {
        Network network = Network.random(K, 3, 4, 5, 2);
        DMatrixRMaj x = new DMatrixRMaj(3, 4, true, 0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8, 0.9, 1.0, 0.0, -1.0);
        DMatrixRMaj t = new DMatrixRMaj(3, 2, true, 0.2, 0.8, 0.5, 0.5, 0.9, 0.1);
        Trainer.Result result = Trainer.train(network, x, t, new Trainer.Options(0.5, true, 0, 300), Trainer.Listener.NONE);
        assertEquals(300, result.steps());
        assertFalse(result.reachedTarget());
    }

    @Test
    void targetAlreadyMetTakesNoStep() {
        Network network = WorkedExample.network(K);
        double before = network.loss(WorkedExample.input(), WorkedExample.target());
        List<Long> reported = new ArrayList<>();
        Trainer.Result result = Trainer.train(network, WorkedExample.input(), WorkedExample.target(),
                new Trainer.Options(0.1, true, 0.05, 100), (s, l) -> reported.add(s));
        assertEquals(0, result.steps());
        assertTrue(result.reachedTarget());
        assertEquals(before, result.loss(), 0.0);
        assertTrue(reported.isEmpty());
        assertEquals(0.25, WorkedExample.weight(network, 1), 0.0);
    }

    @Test
    void listenerGetsLogSpacedStepsWithTheLossAfterThem() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        List<Long> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Network network = WorkedExample.network(K);
        Trainer.Result result = Trainer.train(network, x, t, new Trainer.Options(0.1, false, 0, 1000),
                (s, l) -> {
                    steps.add(s);
                    losses.add(l);
                });
        assertEquals(1000, result.steps());
        assertEquals(List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L), steps);
        assertEquals(result.loss(), losses.get(losses.size() - 1), 0.0);
        // each reported loss is the loss after that many steps
        Network replay = WorkedExample.network(K);
        int next = 0;
        for (long s = 1; s <= 1000; s++) {
            replay.trainStep(x, t, 0.1, false);
            if (s == steps.get(next)) {
                assertEquals(replay.loss(x, t), losses.get(next), 0.0, "loss after " + s);
                next++;
            }
        }
        assertEquals(steps.size(), next);
        for (int i = 1; i < losses.size(); i++) {
            assertTrue(losses.get(i) < losses.get(i - 1), "loss falls: " + losses);
        }
    }

    @Test
    void listenerIsNotCalledBetweenReportCounts() {
        List<Long> steps = new ArrayList<>();
        Trainer.train(WorkedExample.network(K), WorkedExample.input(), WorkedExample.target(),
                new Trainer.Options(0.1, true, 0, 7), (s, l) -> steps.add(s));
        assertEquals(List.of(1L, 2L, 5L), steps);
    }

    @Test
    void stopsAtTheFirstStepBelowTheTarget() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        double target = 0.01;
        Network network = WorkedExample.network(K);
        Trainer.Result result = Trainer.train(network, x, t, new Trainer.Options(0.1, true, target, 1_000_000),
                Trainer.Listener.NONE);
        assertTrue(result.reachedTarget());
        assertTrue(result.loss() < target);
        Network replay = WorkedExample.network(K);
        long s = 0;
        while (replay.loss(x, t) >= target) {
            replay.trainStep(x, t, 0.1, true);
            s++;
        }
        assertEquals(s, result.steps());
        assertEquals(replay.loss(x, t), result.loss(), 0.0);
    }
}
