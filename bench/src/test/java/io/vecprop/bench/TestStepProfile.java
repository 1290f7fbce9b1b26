package io.vecprop.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.PackClock;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.train.Sgd;
import io.vecprop.nn.PhaseClock;
import io.vecprop.nn.PhaseClock.Phase;
import io.vecprop.kernels.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TestStepProfile {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble();
        }
        return m;
    }

    @Test
    void aClockChangesNoResultAndTimesEveryPhaseOfEveryLayer() {
        Kernels k = Kernels.scalar();
        Network timed = Network.random(k, 3, 12, 20, 16, 5);
        Network plain = Network.random(k, 3, 12, 20, 16, 5);
        DMatrixRMaj x = random(7, 12, 1), t = random(7, 5, 2);
        PhaseClock clock = new PhaseClock(3);
        timed.time(clock);
        Sgd plainMomentum = new Sgd(0.9, true), timedMomentum = new Sgd(0.9, true);
        for (int s = 0; s < 4; s++) {
            assertEquals(plain.trainStep(x, t, 0.3, true), timed.trainStep(x, t, 0.3, true), 0.0);
            assertEquals(plainMomentum.step(plain, x, t, 0.3), timedMomentum.step(timed, x, t, 0.3), 0.0);
        }
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(plain.layer(l).weights().data, timed.layer(l).weights().data, 0.0);
        }
        assertEquals(8, clock.steps());
        for (int l = 0; l < 3; l++) {
            for (Phase p : List.of(Phase.FORWARD_PRODUCT, Phase.ACTIVATION, Phase.WEIGHT_UPDATE, Phase.BIAS_UPDATE)) {
                assertTrue(clock.nanos(p, l) > 0, p + " of layer " + l);
            }
            // the delta of layer l-1 is taken through W(l): layer 0 has none below it
            assertEquals(l > 0, clock.nanos(Phase.HIDDEN_DELTA, l) > 0, "hidden delta of layer " + l);
            assertEquals(l == 2, clock.nanos(Phase.LOSS_AND_OUTPUT_DELTA, l) > 0, "output delta of layer " + l);
        }
        timed.time(null);
        timed.trainStep(x, t, 0.3, true);
        assertEquals(8, clock.steps(), "no step timed once the clock is off");
        assertThrows(IllegalArgumentException.class, () -> timed.time(new PhaseClock(2)));
    }

    @Test
    void anOnlineStepFusesTheDeltaBelowIntoTheUpdate() {
        Network net = Network.random(Kernels.scalar(), 3, 6, 9, 4);
        PhaseClock clock = new PhaseClock(2);
        net.time(clock);
        net.trainStep(random(1, 6, 1), random(1, 4, 2), 0.5, true);
        assertEquals(0, clock.nanos(Phase.HIDDEN_DELTA, 1));
        assertTrue(clock.nanos(Phase.WEIGHT_UPDATE, 1) > 0);
    }

    @Test
    void workIsCountedAsTheProductsAndPassesDo() {
        StepProfile.Options o = new StepProfile.Options(new int[] {784, 1024, 10}, 128, Precision.F32, KernelSelection.scalar(),
                Loss.HALF_SQUARED_ERROR, 0.1, 0, 1, 1);
        assertEquals(2.0 * 128 * 784 * 1024, StepProfile.work(Phase.FORWARD_PRODUCT, 0, o), 0.0);
        assertEquals(2.0 * 128 * 1024 * 10, StepProfile.work(Phase.HIDDEN_DELTA, 1, o), 0.0);
        assertEquals(2.0 * 128 * 1024 * 4, StepProfile.work(Phase.ACTIVATION, 0, o), 0.0); // read net, write out, floats
        assertEquals(Workloads.flops("W3"), Workloads.flops(Workloads.widths("W3"), 128), 0.0);
        assertEquals(2.0 * 128 * (784 * 1024 * 2 + 1024 * 1024 * 3 + 1024 * 10 * 3), Workloads.flops("W3"), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new StepProfile.Options(new int[] {4}, 1, Precision.F64,
                KernelSelection.scalar(), Loss.HALF_SQUARED_ERROR, 0.1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new StepProfile.Options(new int[] {4, 2}, 0, Precision.F64,
                KernelSelection.scalar(), Loss.HALF_SQUARED_ERROR, 0.1, 0, 1, 1));
    }

    @Test
    void aProfileAccountsForTheWholeStep() {
        for (Precision p : Precision.values()) {
            StepProfile.Result r = StepProfile.run(new StepProfile.Options(new int[] {40, 64, 8}, 16, p, KernelSelection.scalar(),
                    Loss.CROSS_ENTROPY, 0.1, 0.5, 0.25, 1));
            List<String> phases = r.phases().stream().map(StepProfile.Row::phase).toList();
            assertEquals(List.of("forward product", "activation", "loss and output delta", "hidden deltas", "weight update",
                    "bias update", "packing (inside the products)"), phases);
            double sum = r.phases().stream().filter(row -> row.unit() != StepProfile.Unit.NONE)
                    .mapToDouble(StepProfile.Row::millis).sum();
            // the marks run from a step's start to its last phase: what is left is the loop around the steps
            assertTrue(sum <= r.timedStepMillis() * 1.0001 && sum > 0.8 * r.timedStepMillis(), sum + " of " + r.timedStepMillis());
            assertEquals(0, r.phases().get(6).millis(), 0.0, "scalar kernels pack nothing");
            // layer 0: forward, activation, weight and bias update; layer 1 (softmax inside the loss): forward, loss,
            // the hidden delta through it, weight and bias update
            assertEquals(9, r.layers().size(), r.layers().toString());
            assertTrue(r.steps() > 0 && r.stepMillis() > 0 && r.bandwidthGBs() > 0);
        }
    }

    @Test
    void simdProductsReportTheirPacking() {
        if (KernelProvider.simdUnavailableReason() != null) {
            return;
        }
        KernelSelection simd = KernelProvider.select(KernelProvider.Choice.SIMD, 1);
        StepProfile.Result r = StepProfile.run(new StepProfile.Options(new int[] {256, 256, 64}, 64, Precision.F64, simd,
                Loss.HALF_SQUARED_ERROR, 0.1, 0, 0.25, 1));
        StepProfile.Row packing = r.phases().get(r.phases().size() - 1);
        assertTrue(packing.millis() > 0 && packing.share() < 1, packing.toString());
        assertTrue(r.peakGflops() > 1, "FMA peak " + r.peakGflops());
        assertTrue(!PackClock.on(), "the packing clock is off after a profile");
    }
}
