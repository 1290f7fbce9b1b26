package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The schedules against PyTorch 1.13's own schedulers ({@code bench/peers/torch_schedules.py}: StepLR,
 * CosineAnnealingLR, ReduceLROnPlateau over ten epochs at base rate 0.1), the warm-up against its formula,
 * and every bad parameter refused by name.
 */
class TestSchedule {

    /** The losses the plateau lines watched, as the script lists them. */
    private static final double[] LOSSES = {1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.84999, 0.85, 0.85, 0.5};

    @Test
    void followsPyTorchsSchedulers() throws IOException {
        int cases = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                TestSchedule.class.getResourceAsStream("torch-schedules.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                String[] f = line.trim().split(" +");
                Schedule schedule = Schedule.parse(f[0]);
                assertEquals(f[0], schedule.toString(), "parse and print agree");
                Schedule.Position at = schedule.start(0.1, 0, 10);
                for (int e = 1; e <= 10; e++) {
                    double torch = Double.parseDouble(f[e]);
                    assertEquals(torch, at.rate(e), 1e-15 * torch, f[0] + " epoch " + e);
                    at.observe(e, LOSSES[e - 1]);
                }
                cases++;
            }
        }
        assertEquals(6, cases);
    }

    @Test
    void warmUpRampsToTheRateThenTheScheduleStartsFromZero() {
        Schedule.Position step = Schedule.step(2, 0.5).start(0.3, 2, 8);
        double[] expected = {0.1, 0.2, 0.3, 0.3, 0.15, 0.15, 0.075, 0.075};
        for (int e = 1; e <= 8; e++) {
            assertEquals(expected[e - 1], step.rate(e), 1e-16, "epoch " + e);
        }
        // cosine over the 6 epochs after a warm-up of 4: s = 0..5 of T = 6
        Schedule.Position cosine = Schedule.cosine().start(1.0, 4, 10);
        assertEquals(0.2, cosine.rate(1), 1e-16);
        assertEquals(0.8, cosine.rate(4), 1e-16);
        assertEquals(1.0, cosine.rate(5), 0);
        assertEquals((1 + Math.cos(Math.PI * 5 / 6)) / 2, cosine.rate(10), 1e-16);
        // plateau does not count the warm-up's epochs
        Schedule.Position plateau = Schedule.plateau(0, 0.5).start(1.0, 2, 6);
        plateau.observe(1, 5);
        plateau.observe(2, 5);
        assertEquals(0, plateau.reductions());
        plateau.observe(3, 1);
        plateau.observe(4, 1);
        assertEquals(1, plateau.reductions());
        assertEquals(0.5, plateau.rate(5), 0);
    }

    @Test
    void plateauRemembersWhatACheckpointRestores() {
        Schedule.Position a = Schedule.plateau(1, 0.5).start(0.1, 0, 20);
        double[] losses = {3, 2, 2, 2, 1.5, 1.5, 1.5, 1.5};
        for (int e = 1; e <= losses.length; e++) {
            a.observe(e, losses[e - 1]);
        }
        Schedule.Position b = Schedule.plateau(1, 0.5).start(0.1, 0, 20);
        b.restore(a.best(), a.badEpochs(), a.reductions());
        for (int e = 9; e <= 14; e++) {
            a.observe(e, 1.5);
            b.observe(e, 1.5);
            assertEquals(a.rate(e + 1), b.rate(e + 1), 0, "epoch " + (e + 1));
        }
        assertTrue(a.reductions() > 2);
    }

    @Test
    void badSchedulesAreRefusedByName() {
        String[][] cases = {
            {"warp", "unknown schedule 'warp': constant, step:every=E,gamma=G, cosine or plateau:patience=P,factor=F"},
            {"step", "step needs every=E"},
            {"step:every=0", "every=0 must be at least 1 epoch"},
            {"step:every=2,gamma=0", "gamma=0.0 must be in (0, 1]"},
            {"step:every=2,gamma=1.5", "gamma=1.5 must be in (0, 1]"},
            {"step:every=x", "every=x is not a whole number"},
            {"step:every=2,gamma=nan", "gamma=nan is not a finite number"},
            {"step:every=2,every=3", "gives every twice"},
            {"step:every=2,factor=0.5", "step takes no factor (it takes every and gamma)"},
            {"cosine:every=2", "cosine takes no every"},
            {"plateau:factor=1", "factor=1.0 must be in (0, 1)"},
            {"plateau:patience=-1", "patience=-1 must be 0 or more epochs"},
            {"plateau:patience", "'patience' is not name=value"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(c[0].equals("warp") ? "unknown" : "schedule '" + c[0] + "'"), e.getMessage());
        }
        assertEquals(Schedule.plateau(10, 0.1), Schedule.parse("plateau"), "PyTorch's defaults");
        assertEquals(Schedule.step(5, 0.1), Schedule.parse("step:every=5"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine().start(0.1, 5, 5));
    }
}
