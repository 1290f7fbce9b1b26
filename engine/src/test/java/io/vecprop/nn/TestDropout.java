package io.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.SimdSupport;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Inverted dropout: its masks (rate, scale, a pure function of epoch and sample), a training pass
 * against the same pass written out with EJML's own products, its gradient against central
 * finite differences of the loss under the same mask, the fused step against the backward pass,
 * evaluation that never drops, and the same bits on 1 and 2 threads.
 */
class TestDropout {

    private static final List<Activation> ACTIVATIONS = List.of(Activation.TANH, Activation.RELU, Activation.SIGMOID);

    static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols, double lo, double hi) {
        return TestThreads.random(rnd, rows, cols, lo, hi);
    }

    static Network network(Kernels kernels) {
        return Network.random(kernels, Loss.HALF_SQUARED_ERROR, ACTIVATIONS, Init.AUTO, 3, 4, 7, 6, 3);
    }

    @Test
    void masksDropAboutPAndScaleTheRestByOneOverOneMinusP() {
        for (double p : new double[] {0.1, 0.5, 0.8}) {
            Dropout d = new Dropout(p, 11);
            d.rows(3, null, 0);
            DMatrixRMaj keep = new DMatrixRMaj(400, 500);
            d.fill(Kernels.scalar(), 1, keep);
            int dropped = 0;
            for (double v : keep.data) {
                if (v == 0) {
                    dropped++;
                } else {
                    assertEquals(1 / (1 - p), v, 0);
                }
            }
            double share = dropped / (double) keep.data.length;
            // 200,000 draws: the share's standard deviation is at most 0.0011
            assertEquals(p, share, 0.006, "share dropped at p=" + p);
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, 1));
    }

    @Test
    void aSamplesMaskFollowsTheSampleNotItsPlaceInTheBatch() {
        Dropout d = new Dropout(0.5, 5);
        int[] order = {9, 4, 7, 1, 30, 2};
        d.rows(2, order, 1); // rows 4, 7, 1, 30, 2
        DMatrixRMaj a = new DMatrixRMaj(5, 64);
        d.fill(Kernels.scalar(), 0, a);
        d.rows(2, new int[] {30, 8, 7}, 0); // 7 at row 2, 30 at row 0
        DMatrixRMaj b = new DMatrixRMaj(3, 64);
        d.fill(Kernels.scalar(), 0, b);
        assertArrayEquals(row(a, 1), row(b, 2), "sample 7");
        assertArrayEquals(row(a, 3), row(b, 0), "sample 30");
        // another epoch, layer or seed draws another mask
        DMatrixRMaj other = new DMatrixRMaj(3, 64);
        d.fill(Kernels.scalar(), 1, other);
        assertFalse(java.util.Arrays.equals(row(b, 0), row(other, 0)), "layer 1 vs layer 0");
        d.rows(3, new int[] {30}, 0);
        DMatrixRMaj next = new DMatrixRMaj(1, 64);
        d.fill(Kernels.scalar(), 0, next);
        assertFalse(java.util.Arrays.equals(row(b, 0), row(next, 0)), "epoch 3 vs epoch 2");
        // float drops the same units
        FMatrixRMaj f = new FMatrixRMaj(1, 64);
        d.fill(KernelsF32.scalar(), 0, f);
        for (int j = 0; j < 64; j++) {
            assertEquals(next.data[j] == 0, f.data[j] == 0, "unit " + j + " in float");
        }
    }

    private static double[] row(DMatrixRMaj m, int r) {
        return java.util.Arrays.copyOfRange(m.data, r * m.numCols, (r + 1) * m.numCols);
    }

    /** The training pass's loss is the pass written out with EJML: out of each hidden layer times its mask, into the next. */
    @Test
    void trainingPassIsTheMaskedForwardPass() {
        Network net = network(Kernels.scalar());
        SplittableRandom rnd = new SplittableRandom(8);
        DMatrixRMaj x = random(rnd, 9, 4, -1, 1), t = random(rnd, 9, 3, 0, 1);
        Dropout d = new Dropout(0.4, 21);
        d.rows(1, null, 0);
        net.dropout(d);
        double e = net.gradientSum(x, t) / x.numRows;

        DMatrixRMaj in = x;
        for (int l = 0; l < net.layerCount(); l++) {
            DMatrixRMaj w = net.layer(l).weights(), b = net.layer(l).bias();
            DMatrixRMaj z = new DMatrixRMaj(in.numRows, w.numRows);
            CommonOps_DDRM.multTransB(in, w, z);
            DMatrixRMaj out = new DMatrixRMaj(z.numRows, z.numCols);
            for (int r = 0; r < z.numRows; r++) {
                for (int j = 0; j < z.numCols; j++) {
                    double v = z.get(r, j) + b.get(j, 0);
                    out.set(r, j, switch (ACTIVATIONS.get(l).kind()) {
                        case TANH -> Math.tanh(v);
                        case RELU -> Math.max(0, v);
                        default -> 1 / (1 + Math.exp(-v));
                    });
                }
            }
            if (l + 1 < net.layerCount()) {
                DMatrixRMaj keep = new DMatrixRMaj(out.numRows, out.numCols);
                d.fill(Kernels.scalar(), l, keep);
                CommonOps_DDRM.elementMult(out, keep);
                assertArrayEquals(out.data, net.workspace().dropped(l).data, 1e-12, "dropped out of layer " + l);
            }
            in = out;
        }
        double sum = 0;
        for (int i = 0; i < t.data.length; i++) {
            sum += 0.5 * (t.data[i] - in.data[i]) * (t.data[i] - in.data[i]);
        }
        assertEquals(sum / x.numRows, e, 1e-12);
        // and the mask did drop something
        assertTrue(java.util.Arrays.stream(net.workspace().keep(0).data).anyMatch(v -> v == 0));
    }

    /** dE/dW and dE/db of a training pass against central differences of the same pass's loss, its mask held. */
    @Test
    void gradientMatchesCentralDifferencesUnderTheSameMask() {
        Network net = network(Kernels.scalar());
        SplittableRandom rnd = new SplittableRandom(4);
        DMatrixRMaj x = random(rnd, 5, 4, -1, 1), t = random(rnd, 5, 3, 0, 1);
        Dropout d = new Dropout(0.5, 2);
        d.rows(1, null, 0);
        net.dropout(d);
        net.backward(x, t);
        double[] analytic = new double[net.parameterCount()];
        net.copyGradients(analytic);
        double[] p = new double[net.parameterCount()];
        net.copyParameters(p);
        double h = 1e-6;
        int checked = 0;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            net.setParameters(p);
            double up = net.gradientSum(x, t) / x.numRows;
            p[i] = keep - h;
            net.setParameters(p);
            double down = net.gradientSum(x, t) / x.numRows;
            p[i] = keep;
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, analytic[i], 1e-7 * (1 + Math.abs(numeric)), "parameter " + i);
            checked += analytic[i] == 0 ? 0 : 1;
        }
        net.setParameters(p);
        assertTrue(checked > p.length / 3, "most gradients nonzero: " + checked + " of " + p.length);
        // the dropped units' gradients are zero: their deltas are masked
        net.backward(x, t);
        DMatrixRMaj keep = net.workspace().keep(0), delta = net.workspace().delta(0);
        for (int i = 0; i < keep.data.length; i++) {
            if (keep.data[i] == 0) {
                assertEquals(0, delta.data[i], 0, "delta of a dropped unit");
            }
        }
    }

    /** The fused step (batches of one and of several) moves the weights as backward's gradients say. */
    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void fusedStepIsBackwardThenTheUpdate(int batch) {
        Network fused = network(Kernels.scalar()), plain = network(Kernels.scalar());
        SplittableRandom rnd = new SplittableRandom(12);
        DMatrixRMaj x = random(rnd, batch, 4, -1, 1), t = random(rnd, batch, 3, 0, 1);
        Dropout d = new Dropout(0.3, 9);
        d.rows(4, null, 17);
        fused.dropout(d);
        plain.dropout(d);
        double lr = 0.3;
        double e1 = fused.trainStep(x, t, lr, true);
        double e2 = plain.backward(x, t);
        assertEquals(e2, e1, 1e-15);
        double[] g = new double[plain.parameterCount()], p = new double[plain.parameterCount()];
        plain.copyGradients(g);
        plain.copyParameters(p);
        for (int i = 0; i < p.length; i++) {
            p[i] -= lr * g[i];
        }
        double[] q = new double[fused.parameterCount()];
        fused.copyParameters(q);
        assertArrayEquals(p, q, 1e-14);
    }

    @Test
    void evaluationNeverDrops() {
        Network net = network(Kernels.scalar()), without = network(Kernels.scalar());
        SplittableRandom rnd = new SplittableRandom(6);
        DMatrixRMaj x = random(rnd, 8, 4, -1, 1), t = random(rnd, 8, 3, 0, 1);
        Dropout d = new Dropout(0.5, 1);
        net.dropout(d);
        assertArrayEquals(without.forward(x).data, net.forward(x).data, 0);
        assertEquals(without.loss(x, t), net.loss(x, t), 0);
        assertFalse(net.workspace().dropping());
        assertNotEquals(without.gradientSum(x, t), net.gradientSum(x, t)); // a training pass does drop
        assertTrue(net.workspace().dropping());
        // rate 0 is no dropout at all, bit for bit
        Network zero = network(Kernels.scalar());
        zero.dropout(new Dropout(0, 1));
        assertEquals(without.gradientSum(x, t), zero.gradientSum(x, t), 0);
    }

    @Test
    void floatDropsTheSameUnits() {
        Network d64 = network(Kernels.scalar());
        NetworkF32 d32 = d64.toF32(KernelsF32.scalar());
        SplittableRandom rnd = new SplittableRandom(3);
        DMatrixRMaj x = random(rnd, 7, 4, -1, 1), t = random(rnd, 7, 3, 0, 1);
        FMatrixRMaj xf = new FMatrixRMaj(7, 4), tf = new FMatrixRMaj(7, 3);
        for (int i = 0; i < x.data.length; i++) {
            xf.data[i] = (float) x.data[i];
        }
        for (int i = 0; i < t.data.length; i++) {
            tf.data[i] = (float) t.data[i];
        }
        Dropout d = new Dropout(0.5, 13);
        d.rows(1, null, 0);
        d64.dropout(d);
        d32.dropout(d);
        d64.gradientSum(x, t);
        d32.gradientSum(xf, tf);
        for (int l = 0; l < 2; l++) {
            DMatrixRMaj k64 = d64.workspace().keep(l);
            FMatrixRMaj k32 = d32.workspace().keep(l);
            for (int i = 0; i < k64.data.length; i++) {
                assertEquals(k64.data[i] == 0, k32.data[i] == 0, "layer " + l + " unit " + i);
            }
        }
    }

    @Test
    void sameBitsOnOneAndTwoThreads() {
        Network start = Network.random(Kernels.scalar(), Loss.HALF_SQUARED_ERROR,
                List.of(Activation.RELU, Activation.SIGMOID, Activation.SIGMOID), Init.AUTO, 7, 1030, 1100, 129, 10);
        double[][] one = train(start, 1), two = train(start, 2);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "layer " + i);
        }
    }

    private static double[][] train(Network start, int threads) {
        Network net = start.copy(Kernels.of(SimdSupport.simd(threads)));
        Dropout d = new Dropout(0.5, 3);
        net.dropout(d);
        SplittableRandom rnd = new SplittableRandom(5);
        DMatrixRMaj x = random(rnd, 33, net.inputs(), -1, 1), t = random(rnd, 33, net.outputs(), 0, 1);
        for (int s = 0; s < 3; s++) {
            d.rows(s + 1, null, 0);
            net.trainStep(x, t, 0.1, true);
        }
        double[][] w = new double[net.layerCount()][];
        for (int l = 0; l < net.layerCount(); l++) {
            w[l] = net.layer(l).weights().data.clone();
        }
        return w;
    }
}
