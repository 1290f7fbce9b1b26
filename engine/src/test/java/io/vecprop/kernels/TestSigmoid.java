package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.simd.SimdExp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both SIMD sigmoids against {@code 1 / (1 + Math.exp(-x))}: 4 ulp over [-40, 40], exact limits, NaN. */
class TestSigmoid {

    @BeforeAll
    static void simdRuns() {
        SimdSupport.simd(1);
    }

    interface Sigmoid {
        void apply(int n, double[] in, double[] out);
    }

    static long maxUlps(Sigmoid s, double[] x) {
        double[] got = new double[x.length];
        s.apply(x.length, x, got);
        long max = 0;
        for (int i = 0; i < x.length; i++) {
            double want = 1.0 / (1.0 + Math.exp(-x[i]));
            max = Math.max(max, ulps(want, got[i]));
        }
        return max;
    }

    static long ulps(double a, double b) {
        return a == b ? 0 : Math.abs(Double.doubleToLongBits(a) - Double.doubleToLongBits(b));
    }

    static double[] grid() {
        int n = 400_001;
        double[] x = new double[n + 100_000];
        for (int i = 0; i < n; i++) {
            x[i] = -40 + 80.0 * i / (n - 1);
        }
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = n; i < x.length; i++) {
            x[i] = rnd.nextDouble(-40, 40);
        }
        return x;
    }

    @Test
    void polyWithinFourUlps() {
        assertTrue(maxUlps(SimdExp::sigmoidPoly, grid()) <= 4);
    }

    @Test
    void lanewiseWithinFourUlps() {
        assertTrue(maxUlps(SimdExp::sigmoidLanewise, grid()) <= 4);
    }

    @Test
    void limitsAndNaN() {
        double[] x = {-1e308, -800, -746, Double.NEGATIVE_INFINITY, 800, 1e308, Double.POSITIVE_INFINITY, 40, Double.NaN,
            0.0, -0.0, -709, 7, 8, 9, 10, 11};
        for (Sigmoid s : new Sigmoid[] {SimdExp::sigmoidPoly, SimdExp::sigmoidLanewise}) {
            double[] y = new double[x.length];
            s.apply(x.length, x, y);
            for (int i = 0; i < 4; i++) {
                assertEquals(0.0, y[i], 0.0, "sigmoid(" + x[i] + ")");
            }
            for (int i = 4; i < 8; i++) {
                assertEquals(1.0, y[i], 0.0, "sigmoid(" + x[i] + ")");
            }
            assertTrue(Double.isNaN(y[8]), "NaN in gives NaN out");
            assertEquals(0.5, y[9], 0.0);
            assertEquals(0.5, y[10], 0.0);
            // below -708 the scalar formula gives a subnormal; poly flushes it to 0 (documented)
            assertTrue(y[11] >= 0 && y[11] < 1e-300, "sigmoid(-709) is 0 or subnormal: " + y[11]);
        }
    }
}
