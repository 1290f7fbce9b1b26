package io.vecprop.nn;

import io.vecprop.kernels.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.train.Sgd;
import io.vecprop.train.Trainer;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import io.vecprop.kernels.SimdSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0} kernels")
@ValueSource(strings = {"scalar", "simd"})
class TestNetwork {

    private final Kernels K;

    TestNetwork(String kernels) {
        K = SimdSupport.kernels(kernels);
    }

    // ---------------------------------------------------------------- helpers

    /** N x cols, uniform in [lo, hi). */
    private static DMatrixRMaj uniform(Random rnd, int rows, int cols, double lo, double hi) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return m;
    }

    private static DMatrixRMaj inputs(long seed, int n, int width) {
        return uniform(new Random(seed), n, width, -1, 1);
    }

    private static DMatrixRMaj targets(long seed, int n, int width) {
        return uniform(new Random(seed ^ 0x5DEECE66DL), n, width, 0, 1);
    }

    private static boolean close(double a, double b, double rel, double abs) {
        return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
    }

    /** Every weight and bias of a and b within rel (scaled by max of the two and scale) of each other. */
    private static void assertSameParameters(Network a, Network b, double rel, String what) {
        assertEquals(a.layerCount(), b.layerCount());
        for (int l = 0; l < a.layerCount(); l++) {
            assertClose(a.layer(l).weights(), b.layer(l).weights(), rel, what + ", W of layer " + l);
            assertClose(a.layer(l).bias(), b.layer(l).bias(), rel, what + ", bias of layer " + l);
        }
    }

    private static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual, double rel, String what) {
        assertEquals(expected.numRows, actual.numRows, what + " rows");
        assertEquals(expected.numCols, actual.numCols, what + " cols");
        for (int i = 0; i < expected.getNumElements(); i++) {
            double e = expected.data[i], a = actual.data[i];
            // plus 1e-15 absolute: a parameter near 0 is a difference of terms near 1, which the summation order moves by ulps of 1
            assertTrue(close(e, a, rel, 1e-15), what + " [" + i + "]: expected " + e + " but was " + a);
        }
    }

    private static double[] snapshot(DMatrixRMaj m) {
        return Arrays.copyOf(m.data, m.getNumElements());
    }

    static java.util.stream.Stream<Arguments> shapesAndBatches() {
        return java.util.stream.Stream.of(Loss.values()).flatMap(loss -> java.util.stream.Stream.of(
                Arguments.of(new int[] {5, 7, 3}, 1, 11L, loss),
                Arguments.of(new int[] {5, 7, 3}, 9, 12L, loss),
                Arguments.of(new int[] {13, 31, 17, 4}, 1, 13L, loss),
                Arguments.of(new int[] {13, 31, 17, 4}, 9, 14L, loss),
                Arguments.of(new int[] {3, 21}, 4, 15L, loss)));
    }

    // ---------------------------------------------------------------- gradients

    @ParameterizedTest(name = "widths {0}, N = {1}, {3}")
    @MethodSource("shapesAndBatches")
    void gradientsMatchCentralFiniteDifferences(int[] widths, int n, long seed, Loss loss) {
        // targets are arbitrary numbers in [0, 1), not rows summing to 1: the cross-entropy delta holds for any target
        Network network = Network.random(K, loss, seed, widths);
        DMatrixRMaj x = inputs(seed, n, widths[0]);
        DMatrixRMaj t = targets(seed, n, widths[widths.length - 1]);
        double e = network.backward(x, t);
        assertEquals(network.loss(x, t), e, 0.0, "backward returns the loss");

        Workspace ws = network.workspace();
        // copy the gradients: loss() below reuses the workspace
        DMatrixRMaj[] gradW = new DMatrixRMaj[network.layerCount()];
        DMatrixRMaj[] gradB = new DMatrixRMaj[network.layerCount()];
        for (int l = 0; l < network.layerCount(); l++) {
            gradW[l] = ws.gradW(l).copy();
            gradB[l] = ws.gradB(l).copy();
            assertEquals(network.layer(l).outputs(), gradW[l].numRows);
            assertEquals(network.layer(l).inputs(), gradW[l].numCols);
            assertEquals(network.layer(l).outputs(), gradB[l].getNumElements());
        }

        double h = 1e-5; // rounding error of the loss over 2h dominates below this; truncation (h²) is still far below the tolerance
        int checked = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            for (DMatrixRMaj[] grads : new DMatrixRMaj[][] {gradW, gradB}) {
                DMatrixRMaj param = grads == gradW ? network.layer(l).weights() : network.layer(l).bias();
                for (int i = 0; i < param.getNumElements(); i++) {
                    double saved = param.data[i];
                    param.data[i] = saved + h;
                    double plus = network.loss(x, t);
                    param.data[i] = saved - h;
                    double minus = network.loss(x, t);
                    param.data[i] = saved;
                    double fd = (plus - minus) / (2 * h);
                    double g = grads[l].data[i];
                    // the rounding error of the difference quotient grows with the loss: eps · |E| / h
                    assertTrue(close(fd, g, 1e-6, 1e-10 * Math.max(1, Math.abs(e))),
                            (grads == gradW ? "dW" : "db") + " of layer " + l + " [" + i + "]: backward " + g
                                    + " but finite differences " + fd);
                    checked++;
                }
            }
        }
        int params = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            params += widths[l + 1] * (widths[l] + 1);
        }
        assertEquals(params, checked);
        // the parameters are back as they were
        assertEquals(e, network.loss(x, t), 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Loss.class)
    void momentumStepsMatchGradientsAppliedByHand(Loss loss) {
        // v = mu·v + dW; W -= lr·v, as PyTorch's SGD(momentum=mu), over batches of 6, 6 and 2 rows
        int[] widths = {5, 9, 4};
        Network fused = Network.random(K, loss, 31, widths);
        Network byHand = fused.copy(K);
        double lr = 0.3, mu = 0.9;
        Sgd momentum = new Sgd(mu, true);
        DMatrixRMaj[] vW = new DMatrixRMaj[2], vB = new DMatrixRMaj[2];
        for (int l = 0; l < 2; l++) {
            vW[l] = new DMatrixRMaj(widths[l + 1], widths[l]);
            vB[l] = new DMatrixRMaj(widths[l + 1], 1);
        }
        int[] batches = {6, 6, 2};
        for (int step = 0; step < batches.length; step++) {
            DMatrixRMaj x = inputs(40 + step, batches[step], 5), t = targets(40 + step, batches[step], 4);
            double e = momentum.step(fused, x, t, lr);
            assertEquals(byHand.loss(x, t), e, 1e-15, "the loss before the step");
            byHand.backward(x, t);
            for (int l = 0; l < 2; l++) {
                Workspace ws = byHand.workspace();
                for (int i = 0; i < vW[l].data.length; i++) {
                    vW[l].data[i] = mu * vW[l].data[i] + ws.gradW(l).data[i];
                    byHand.layer(l).weights().data[i] -= lr * vW[l].data[i];
                }
                for (int i = 0; i < vB[l].data.length; i++) {
                    vB[l].data[i] = mu * vB[l].data[i] + ws.gradB(l).data[i];
                    byHand.layer(l).bias().data[i] -= lr * vB[l].data[i];
                }
            }
            assertSameParameters(byHand, fused, 1e-12, "after step " + (step + 1));
        }
        // momentum 0 is plain SGD; after a reset the velocity starts again from zero
        Network plain = fused.copy(K);
        momentum.reset();
        DMatrixRMaj x = inputs(50, 3, 5), t = targets(50, 3, 4);
        momentum.step(fused, x, t, lr);
        plain.trainStep(x, t, lr, true);
        assertSameParameters(plain, fused, 1e-12, "the first step after a reset");
        assertThrows(IllegalArgumentException.class, () -> new Sgd(1.0, true));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1, true));
        assertThrows(IllegalStateException.class, () -> momentum.step(plain, x, t, lr), "the velocities are fused's");
    }

    // ---------------------------------------------------------------- data-parallel pieces

    /** Rows from .. from+n of m. */
    private static DMatrixRMaj rows(DMatrixRMaj m, int from, int n) {
        DMatrixRMaj part = new DMatrixRMaj(n, m.numCols);
        System.arraycopy(m.data, from * m.numCols, part.data, 0, n * m.numCols);
        return part;
    }

    /** The worker's gradient sum over rows from .. from+n of x and t, added into sum; returns their summed loss. */
    private static double addGradientSum(Network worker, DMatrixRMaj x, DMatrixRMaj t, int from, int n, double[] sum) {
        double lossSum = worker.gradientSum(rows(x, from, n), rows(t, from, n));
        double[] part = new double[sum.length];
        worker.copyGradients(part);
        for (int i = 0; i < sum.length; i++) {
            sum[i] += part[i];
        }
        return lossSum;
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Loss.class)
    void gradientSumsOfTheRowsAreNTimesTheMeanGradient(Loss loss) {
        // gradientSum on rows 0..3 plus gradientSum on rows 4..10 = N · backward's mean on all 11
        int[] widths = {6, 10, 4};
        Network whole = Network.random(K, loss, 61, widths);
        Network worker = whole.copy(K);
        DMatrixRMaj x = inputs(62, 11, 6), t = targets(62, 11, 4);
        double e = whole.backward(x, t);
        double[] mean = new double[whole.parameterCount()];
        whole.copyGradients(mean);
        double[] sum = new double[mean.length];
        double lossSum = addGradientSum(worker, x, t, 0, 4, sum) + addGradientSum(worker, x, t, 4, 7, sum);
        assertEquals(11 * e, lossSum, 1e-14 * 11 * e, "the summed loss is N · the mean loss");
        double max = Arrays.stream(mean).map(Math::abs).max().orElseThrow();
        assertTrue(max > 1e-3, "a gradient to compare");
        for (int i = 0; i < mean.length; i++) {
            assertEquals(11 * mean[i], sum[i], 1e-14 * 11 * max, "gradient value " + i);
        }
        // (in + 1) · out per layer
        assertEquals(7 * 10 + 11 * 4, whole.parameterCount());
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Loss.class)
    void applyingSummedPartsStepsAsTrainStepOnTheWholeBatch(Loss loss) {
        // per step: the batch split in parts, their gradient sums added, one applyGradientSum; against
        // trainStep on the whole batch, with plain SGD and with momentum, batches of 9, 9, 5
        int[] widths = {5, 12, 3};
        for (double mu : new double[] {0, 0.9}) {
            for (boolean trainBias : new boolean[] {true, false}) {
                Network local = Network.random(K, loss, 71, widths);
                Network driver = local.copy(K), worker = local.copy(K);
                Sgd localSgd = new Sgd(mu, trainBias), driverSgd = new Sgd(mu, trainBias);
                double[] params = new double[local.parameterCount()];
                double[] sum = new double[params.length];
                int[] batches = {9, 9, 5};
                for (int step = 0; step < batches.length; step++) {
                    int n = batches[step];
                    DMatrixRMaj x = inputs(72 + step, n, 5), t = targets(72 + step, n, 3);
                    double e = localSgd.step(local, x, t, 0.5);
                    // the worker starts from the driver's weights, as a broadcast would give them
                    driver.copyParameters(params);
                    worker.setParameters(params);
                    Arrays.fill(sum, 0);
                    double lossSum = 0;
                    for (int from = 0; from < n; from += 4) {
                        lossSum += addGradientSum(worker, x, t, from, Math.min(4, n - from), sum);
                    }
                    driverSgd.applyGradientSum(driver, GradientSum.of(sum, 0, 0, n), 0.5);
                    assertEquals(e, lossSum / n, 1e-14 * e, "the loss before step " + (step + 1));
                    // only the order in which the rows were summed differs
                    assertSameParameters(local, driver, 1e-13, "mu " + mu + ", bias " + trainBias + ", step " + (step + 1));
                }
                if (!trainBias) {
                    assertArrayEquals(Network.random(K, loss, 71, widths).layer(0).bias().data, driver.layer(0).bias().data,
                            "frozen biases stay");
                }
            }
        }
    }

    @Test
    void flatParametersRoundTripAndWrongSizesAreNamed() {
        Network a = Network.random(K, 81, 3, 4, 2), b = Network.random(K, 82, 3, 4, 2);
        double[] p = new double[a.parameterCount()];
        a.copyParameters(p);
        // layer 0: W (4 x 3) row-major, then b; then layer 1
        assertEquals(a.layer(0).weights().get(1, 2), p[5]);
        assertEquals(a.layer(0).bias().get(3, 0), p[15]);
        assertEquals(a.layer(1).weights().get(0, 0), p[16]);
        b.setParameters(p);
        assertSameParameters(a, b, 0, "after setParameters");
        assertEquals(Precision.F64, a.parameters().precision());
        assertArrayEquals(p, a.parameters().f64());
        assertMessage(() -> b.setParameters(new double[5]), "parameter array of 5 values", "26 parameters");
        assertMessage(() -> new Sgd(0, true).applyGradientSum(b, GradientSum.of(new double[26], 0, 0, 0), 0.1), "0 rows");
        assertMessage(() -> new Sgd(0, true).applyGradientSum(b, GradientSum.of(new double[5], 0, 0, 3), 0.1),
                "gradient array of 5 values", "26 parameters");
        assertMessage(() -> new Sgd(1, true), "momentum 1.0");
        assertMessage(() -> new Sgd(0, true).applyGradientSum(b, GradientSum.of(new float[26], 0, 0, 3), 0.1),
                "gradient in f32 for a network in f64");
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> Network.random(K, 83, 3, 4, 2).copyGradients(p));
        assertTrue(none.getMessage().contains("no gradients yet"), none.getMessage());
        assertMessage(() -> b.setParameters(Parameters.of(new float[26])), "parameters in f32 for a network in f64");
    }

    @Test
    void crossEntropyOutputsAreProbabilities() {
        Network network = Network.random(K, Loss.CROSS_ENTROPY, 5, 6, 8, 11);
        DMatrixRMaj x = inputs(6, 7, 6);
        DMatrixRMaj out = network.forward(x);
        for (int r = 0; r < 7; r++) {
            double sum = 0;
            for (int j = 0; j < 11; j++) {
                assertTrue(out.get(r, j) > 0 && out.get(r, j) < 1);
                sum += out.get(r, j);
            }
            assertEquals(1.0, sum, 1e-14);
        }
        // one-hot targets: the loss is the mean of -log(probability of the true class)
        DMatrixRMaj t = new DMatrixRMaj(7, 11);
        double expected = 0;
        for (int r = 0; r < 7; r++) {
            t.set(r, (3 * r) % 11, 1);
            expected -= Math.log(out.get(r, (3 * r) % 11)) / 7;
        }
        assertEquals(expected, network.loss(x, t), 1e-14);
        assertEquals(Loss.CROSS_ENTROPY, network.copy(K).lossFunction());
    }

    @Test
    void gradientOfIdenticalCopiesIsTheGradientOfOneSample() {
        int[] widths = {13, 31, 17, 4};
        Network network = Network.random(K, 21, widths);
        DMatrixRMaj x1 = inputs(21, 1, 13);
        DMatrixRMaj t1 = targets(21, 1, 4);
        double e1 = network.backward(x1, t1);
        DMatrixRMaj[] single = new DMatrixRMaj[2 * network.layerCount()];
        for (int l = 0; l < network.layerCount(); l++) {
            single[2 * l] = network.workspace().gradW(l).copy();
            single[2 * l + 1] = network.workspace().gradB(l).copy();
        }
        int n = 9;
        DMatrixRMaj xn = new DMatrixRMaj(n, 13);
        DMatrixRMaj tn = new DMatrixRMaj(n, 4);
        for (int r = 0; r < n; r++) {
            System.arraycopy(x1.data, 0, xn.data, r * 13, 13);
            System.arraycopy(t1.data, 0, tn.data, r * 4, 4);
        }
        double en = network.backward(xn, tn);
        assertTrue(close(e1, en, 1e-14, 0), "loss " + e1 + " vs " + en);
        for (int l = 0; l < network.layerCount(); l++) {
            assertClose(single[2 * l], network.workspace().gradW(l), 1e-14, "gradW of layer " + l);
            assertClose(single[2 * l + 1], network.workspace().gradB(l), 1e-14, "gradB of layer " + l);
        }
    }

    @Test
    void gradientsOfABatchAreTheMeanOfPerSampleGradients() {
        int[] widths = {5, 7, 3};
        int n = 6;
        Network network = Network.random(K, 31, widths);
        DMatrixRMaj x = inputs(31, n, 5);
        DMatrixRMaj t = targets(31, n, 3);
        double[][] meanW = new double[2][];
        double[][] meanB = new double[2][];
        meanW[0] = new double[35];
        meanW[1] = new double[21];
        meanB[0] = new double[7];
        meanB[1] = new double[3];
        double meanLoss = 0;
        for (int r = 0; r < n; r++) {
            DMatrixRMaj xr = new DMatrixRMaj(1, 5, true, Arrays.copyOfRange(x.data, r * 5, r * 5 + 5));
            DMatrixRMaj tr = new DMatrixRMaj(1, 3, true, Arrays.copyOfRange(t.data, r * 3, r * 3 + 3));
            meanLoss += network.backward(xr, tr) / n;
            for (int l = 0; l < 2; l++) {
                for (int i = 0; i < meanW[l].length; i++) {
                    meanW[l][i] += network.workspace().gradW(l).data[i] / n;
                }
                for (int i = 0; i < meanB[l].length; i++) {
                    meanB[l][i] += network.workspace().gradB(l).data[i] / n;
                }
            }
        }
        double loss = network.backward(x, t);
        assertTrue(close(meanLoss, loss, 1e-14, 0), "batch loss " + loss + " vs mean " + meanLoss);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < meanW[l].length; i++) {
                double g = network.workspace().gradW(l).data[i];
                assertTrue(close(meanW[l][i], g, 1e-12, 1e-17), "gradW layer " + l + " [" + i + "]");
            }
            for (int i = 0; i < meanB[l].length; i++) {
                double g = network.workspace().gradB(l).data[i];
                assertTrue(close(meanB[l][i], g, 1e-12, 1e-17), "gradB layer " + l + " [" + i + "]");
            }
        }
    }

    // ---------------------------------------------------------------- trainStep

    @ParameterizedTest(name = "widths {0}, N = {1}")
    @MethodSource("shapesAndBatches")
    void trainStepEqualsBackwardThenApplyGradients(int[] widths, int n, long seed) {
        for (boolean trainBias : new boolean[] {true, false}) {
            Network viaStep = Network.random(K, seed, widths);
            Network viaGrad = Network.random(K, seed, widths);
            Network original = Network.random(K, seed, widths);
            DMatrixRMaj x = inputs(seed, n, widths[0]);
            DMatrixRMaj t = targets(seed, n, widths[widths.length - 1]);
            double lr = 0.7;
            double e1 = viaStep.trainStep(x, t, lr, trainBias);
            double e2 = viaGrad.backward(x, t);
            new Sgd(0, trainBias).applyGradients(viaGrad, lr);
            assertEquals(e2, e1, 0.0, "both return the loss before the step");
            // N = 1 takes the outer-product path, N > 1 the rank-N path: the rounding of the update
            // differs from lr * dW by a few ulps of the update, not of the weight
            double rel = n == 1 ? 1e-15 : 1e-14;
            for (int l = 0; l < widths.length - 1; l++) {
                DMatrixRMaj w0 = original.layer(l).weights();
                DMatrixRMaj a = viaGrad.layer(l).weights(), b = viaStep.layer(l).weights();
                for (int i = 0; i < w0.getNumElements(); i++) {
                    double scale = Math.max(Math.abs(w0.data[i]), Math.abs(a.data[i] - w0.data[i]));
                    assertTrue(Math.abs(a.data[i] - b.data[i]) <= rel * scale,
                            "W of layer " + l + " [" + i + "], bias " + trainBias + ": " + a.data[i] + " vs " + b.data[i]);
                    assertTrue(a.data[i] != w0.data[i], "every weight moves");
                }
                DMatrixRMaj b0 = original.layer(l).bias();
                DMatrixRMaj ba = viaGrad.layer(l).bias(), bb = viaStep.layer(l).bias();
                if (trainBias) {
                    for (int i = 0; i < b0.getNumElements(); i++) {
                        double scale = Math.max(Math.abs(b0.data[i]), Math.abs(ba.data[i] - b0.data[i]));
                        assertTrue(Math.abs(ba.data[i] - bb.data[i]) <= rel * scale,
                                "bias of layer " + l + " [" + i + "]: " + ba.data[i] + " vs " + bb.data[i]);
                        assertTrue(ba.data[i] != b0.data[i], "every bias moves");
                    }
                } else {
                    assertArrayEquals(b0.data, ba.data, "frozen bias (applyGradients)");
                    assertArrayEquals(b0.data, bb.data, "frozen bias (trainStep)");
                }
            }
        }
    }

    @Test
    void trainStepUpdatesWithTheGradientOfTheWeightsBeforeTheStep() {
        // W(after) = W(before) - lr * dE/dW(before), with dE/dW independent of the step itself
        int[] widths = {5, 7, 3};
        Network network = Network.random(K, 41, widths);
        Network reference = Network.random(K, 41, widths);
        DMatrixRMaj x = inputs(41, 4, 5);
        DMatrixRMaj t = targets(41, 4, 3);
        reference.backward(x, t);
        double lr = 0.3;
        network.trainStep(x, t, lr, true);
        for (int l = 0; l < 2; l++) {
            DMatrixRMaj g = reference.workspace().gradW(l);
            DMatrixRMaj w0 = reference.layer(l).weights();
            DMatrixRMaj w1 = network.layer(l).weights();
            for (int i = 0; i < g.getNumElements(); i++) {
                double expected = w0.data[i] - lr * g.data[i];
                assertTrue(close(expected, w1.data[i], 1e-14, 1e-16), "layer " + l + " [" + i + "]");
            }
        }
    }

    @Test
    void trainStepReturnsTheLossBeforeTheStepAndTheLossDrops() {
        for (int n : new int[] {1, 9}) {
            Network network = Network.random(K, 51, 13, 31, 17, 4);
            DMatrixRMaj x = inputs(51, n, 13);
            DMatrixRMaj t = targets(51, n, 4);
            double before = network.loss(x, t);
            double returned = network.trainStep(x, t, 0.05, true);
            assertEquals(before, returned, 0.0);
            double after = network.loss(x, t);
            assertTrue(after < before, "loss after a small step " + after + " is not below " + before);
            // and keeps dropping
            double previous = after;
            for (int i = 0; i < 5; i++) {
                double r = network.trainStep(x, t, 0.05, false);
                assertEquals(previous, r, 0.0);
                double now = network.loss(x, t);
                assertTrue(now < previous);
                previous = now;
            }
        }
    }

    @Test
    void lossIsHalfTheMeanSumOfSquaresOfTheForwardOutput() {
        Network network = Network.random(K, 61, 5, 7, 3);
        DMatrixRMaj x = inputs(61, 4, 5);
        DMatrixRMaj t = targets(61, 4, 3);
        DMatrixRMaj out = network.forward(x).copy();
        double sum = 0;
        for (int i = 0; i < out.getNumElements(); i++) {
            sum += (t.data[i] - out.data[i]) * (t.data[i] - out.data[i]);
        }
        assertTrue(close(sum / 8, network.loss(x, t), 1e-15, 0));
    }

    @Test
    void forwardIsSigmoidOfTheAffineMapLayerByLayer() {
        // independent of the kernels: plain loops with Math.exp
        Network network = Network.random(K, 71, 5, 7, 3);
        DMatrixRMaj x = inputs(71, 3, 5);
        DMatrixRMaj out = network.forward(x);
        for (int r = 0; r < 3; r++) {
            double[] in = Arrays.copyOfRange(x.data, r * 5, r * 5 + 5);
            for (int l = 0; l < 2; l++) {
                DenseLayer layer = network.layer(l);
                double[] next = new double[layer.outputs()];
                for (int j = 0; j < next.length; j++) {
                    double s = layer.bias().get(j);
                    for (int p = 0; p < in.length; p++) {
                        s += layer.weights().get(j, p) * in[p];
                    }
                    next[j] = 1 / (1 + Math.exp(-s));
                }
                in = next;
            }
            for (int j = 0; j < 3; j++) {
                assertTrue(close(in[j], out.get(r, j), 1e-14, 0), "row " + r + " out " + j);
            }
        }
    }

    // ---------------------------------------------------------------- biases

    @Test
    void freezeBiasKeepsBiasesBitIdenticalAndTrainBiasChangesThem() {
        for (int n : new int[] {1, 9}) {
            Network frozen = Network.random(K, 81, 13, 31, 17, 4);
            Network trained = Network.random(K, 81, 13, 31, 17, 4);
            double[][] before = new double[3][];
            for (int l = 0; l < 3; l++) {
                before[l] = snapshot(frozen.layer(l).bias());
            }
            DMatrixRMaj x = inputs(81, n, 13);
            DMatrixRMaj t = targets(81, n, 4);
            for (int i = 0; i < 20; i++) {
                frozen.trainStep(x, t, 0.5, false);
                trained.trainStep(x, t, 0.5, true);
            }
            frozen.backward(x, t);
            new Sgd(0, false).applyGradients(frozen, 0.5);
            for (int l = 0; l < 3; l++) {
                assertArrayEquals(before[l], snapshot(frozen.layer(l).bias()), "frozen bias of layer " + l);
                double[] now = snapshot(trained.layer(l).bias());
                for (int i = 0; i < now.length; i++) {
                    assertTrue(now[i] != before[l][i], "trained bias of layer " + l + " [" + i + "] did not move");
                }
                assertFalse(Arrays.equals(snapshot(frozen.layer(l).weights()), snapshot(trained.layer(l).weights())));
            }
        }
    }

    @Test
    void workedExampleTrainsBelowOneMillionthWithAndWithoutBiases() {
        DMatrixRMaj x = WorkedExample.input();
        DMatrixRMaj t = WorkedExample.target();
        long[] stepsTaken = new long[2];
        for (int mode = 0; mode < 2; mode++) {
            boolean trainBias = mode == 0;
            Network network = WorkedExample.network(K);
            Trainer.Options options = new Trainer.Options(WorkedExample.LEARNING_RATE, trainBias, 1e-6, 2_000_000);
            Trainer.Result result = Trainer.train(network, x, t, options, Trainer.Listener.NONE);
            assertTrue(result.reachedTarget(), "bias " + trainBias + ": " + result);
            assertTrue(result.steps() > 1 && result.steps() < options.maxSteps(), "steps " + result.steps());
            double loss = network.loss(x, t);
            assertEquals(loss, result.loss(), 0.0);
            assertTrue(loss < 1e-6, "loss " + loss);
            DMatrixRMaj out = network.forward(x);
            assertEquals(0.5, out.get(0, 0), 2e-3);
            assertEquals(0.9, out.get(0, 1), 2e-3);
            // the step before the last was still at or above the target: replay it
            Network replay = WorkedExample.network(K);
            for (long s = 0; s + 1 < result.steps(); s++) {
                replay.trainStep(x, t, WorkedExample.LEARNING_RATE, trainBias);
            }
            assertTrue(replay.loss(x, t) >= 1e-6, "training should have stopped a step earlier");
            replay.trainStep(x, t, WorkedExample.LEARNING_RATE, trainBias);
            assertEquals(loss, replay.loss(x, t), 0.0);
            if (!trainBias) {
                assertEquals(WorkedExample.B1, network.layer(0).bias().get(0), 0.0);
                assertEquals(WorkedExample.B2, network.layer(1).bias().get(1), 0.0);
            }
            stepsTaken[mode] = result.steps();
        }
        assertTrue(stepsTaken[0] != stepsTaken[1], "the bias switch changes the run: " + Arrays.toString(stepsTaken));
    }

    // ---------------------------------------------------------------- random init

    @Test
    void randomIsReproducibleFromTheSeedAndBounded() {
        int[] widths = {13, 31, 17, 4};
        Network a = Network.random(K, 1234, widths);
        Network b = Network.random(K, 1234, widths);
        Network c = Network.random(K, 1235, widths);
        assertArrayEquals(widths, a.widths());
        assertEquals(13, a.inputs());
        assertEquals(4, a.outputs());
        assertEquals(3, a.layerCount());
        assertSame(K, a.kernels());
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(snapshot(a.layer(l).weights()), snapshot(b.layer(l).weights()));
            assertArrayEquals(snapshot(a.layer(l).bias()), snapshot(b.layer(l).bias()));
            assertFalse(Arrays.equals(snapshot(a.layer(l).weights()), snapshot(c.layer(l).weights())));
            assertFalse(Arrays.equals(snapshot(a.layer(l).bias()), snapshot(c.layer(l).bias())));
            double bound = 1 / Math.sqrt(widths[l]);
            DMatrixRMaj w = a.layer(l).weights();
            assertEquals(widths[l + 1], w.numRows);
            assertEquals(widths[l], w.numCols);
            double max = 0;
            double sum = 0;
            for (double v : snapshot(w)) {
                assertTrue(v >= -bound && v < bound, "weight " + v + " outside ±" + bound);
                max = Math.max(max, Math.abs(v));
                sum += v;
            }
            for (double v : snapshot(a.layer(l).bias())) {
                assertTrue(v >= -bound && v < bound, "bias " + v + " outside ±" + bound);
            }
            // uniform over the whole range, not a narrower one, and centred
            assertTrue(max > 0.8 * bound, "largest |weight| " + max + " of bound " + bound);
            assertTrue(Math.abs(sum / w.getNumElements()) < 0.25 * bound, "mean " + sum / w.getNumElements());
        }
    }

    @Test
    void copyIsDeep() {
        Network a = Network.random(K, 5, 5, 7, 3);
        Network b = a.copy(K);
        DMatrixRMaj x = inputs(5, 2, 5);
        DMatrixRMaj t = targets(5, 2, 3);
        double[] w = snapshot(a.layer(0).weights());
        b.trainStep(x, t, 0.5, true);
        assertArrayEquals(w, snapshot(a.layer(0).weights()));
        assertNotSame(a.layer(0), b.layer(0));
    }

    // ---------------------------------------------------------------- workspace (allocation: TestTrainStepAllocation)

    @Test
    void theBuilderBuildsWhatRandomDraws() {
        Network built = Network.builder().input(5).dense(7).dense(3).loss(Loss.CROSS_ENTROPY).seed(9).build(K);
        Network drawn = Network.random(K, Loss.CROSS_ENTROPY, 9, 5, 7, 3);
        assertArrayEquals(new int[] {5, 7, 3}, built.widths());
        assertEquals(Loss.CROSS_ENTROPY, built.lossFunction());
        assertSameParameters(drawn, built, 0, "the same widths and seed");
        assertEquals(Loss.HALF_SQUARED_ERROR, Network.builder().input(2).dense(2).build(K).lossFunction());
        assertSameParameters(Network.random(K, 1, 2, 2), Network.builder().input(2).dense(2).build(K), 0, "seed 1 by default");
        assertTrue(assertThrows(IllegalStateException.class, () -> Network.builder().dense(3)).getMessage().contains("before input(width)"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Network.builder().input(3).input(4)).getMessage().contains("comes first, once"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Network.builder().input(3).build(K)).getMessage().contains("at least one dense(units)"));
        assertMessage(() -> Network.builder().input(3).dense(0), "units 0 must be at least 1");
    }

    @Test
    void workspaceIsReusedForTheSameOrASmallerBatch() {
        Network network = Network.random(K, 3, 5, 7, 3);
        DMatrixRMaj x4 = inputs(3, 4, 5), t4 = targets(3, 4, 3);
        DMatrixRMaj x2 = inputs(4, 2, 5), t2 = targets(4, 2, 3);
        network.trainStep(x4, t4, 0.1, true);
        Workspace ws = network.workspace();
        assertEquals(4, ws.batchSize());
        network.trainStep(x4, t4, 0.1, true);
        network.backward(x4, t4);
        assertSame(ws, network.workspace());
        DMatrixRMaj gradW = ws.gradW(0);
        network.backward(x4, t4);
        assertSame(gradW, network.workspace().gradW(0));
        assertSame(ws.out(1), network.forward(x4), "forward returns the live output of the workspace");
        // a smaller batch (an epoch's last) reuses the same arrays, reshaped
        double[] outData = ws.out(0).data;
        double smallLoss = network.loss(x2, t2);
        Workspace ws2 = network.workspace();
        assertSame(ws, ws2);
        assertEquals(2, ws2.batchSize());
        assertEquals(4, ws2.capacity());
        assertEquals(2, ws2.out(0).numRows);
        assertEquals(7, ws2.out(0).numCols);
        assertSame(outData, ws2.out(0).data);
        assertEquals(fresh(network).loss(x2, t2), smallLoss,
                "a reshaped workspace computes what a fresh one does");
        // a larger batch needs new buffers
        DMatrixRMaj x8 = inputs(5, 8, 5), t8 = targets(5, 8, 3);
        network.loss(x8, t8);
        Workspace ws8 = network.workspace();
        assertNotSame(ws, ws8);
        assertEquals(8, ws8.capacity());
        assertSame(ws8, network.reserveWorkspace(4), "a smaller batch keeps the larger workspace");
    }

    private static Network fresh(Network network) {
        return network.copy(network.kernels());
    }

    @Test
    void gradientsBeforeBackwardAreAnError() {
        Network network = Network.random(K, 3, 5, 7, 3);
        assertThrows(IllegalStateException.class, () -> new Sgd(0, true).applyGradients(network, 0.1));
        network.forward(inputs(3, 2, 5));
        assertThrows(IllegalStateException.class, () -> network.workspace().gradW(0));
        assertThrows(IllegalStateException.class, () -> new Sgd(0, true).applyGradients(network, 0.1));
    }

    // ---------------------------------------------------------------- bad input

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                    "message \"" + e.getMessage() + "\" should contain \"" + part + "\"");
        }
    }

    @Test
    void badInputNamesBothShapes() {
        Network network = WorkedExample.network(K); // 2-2-2
        DMatrixRMaj good = new DMatrixRMaj(1, 2, true, 0.1, 0.2);
        DMatrixRMaj goodT = new DMatrixRMaj(1, 2, true, 0.5, 0.5);
        DMatrixRMaj wide = new DMatrixRMaj(1, 3);
        DMatrixRMaj empty = new DMatrixRMaj(0, 2);
        DMatrixRMaj wideT = new DMatrixRMaj(1, 3);
        DMatrixRMaj tallT = new DMatrixRMaj(3, 2);

        // input width: the bad shape and the expected width
        assertMessage(() -> network.forward(wide), "1x3", "N x 2");
        assertMessage(() -> network.loss(wide, goodT), "1x3", "N x 2");
        assertMessage(() -> network.backward(wide, goodT), "1x3", "N x 2");
        assertMessage(() -> network.trainStep(wide, goodT, 0.1, true), "1x3", "N x 2");
        // zero rows
        assertMessage(() -> network.forward(empty), "0x2", "N x 2", "N >= 1");
        assertMessage(() -> network.trainStep(empty, new DMatrixRMaj(0, 2), 0.1, true), "0x2");
        // target width
        assertMessage(() -> network.loss(good, wideT), "1x3", "1x2");
        assertMessage(() -> network.backward(good, wideT), "1x3", "1x2");
        assertMessage(() -> network.trainStep(good, wideT, 0.1, false), "1x3", "1x2");
        // target rows
        assertMessage(() -> network.loss(good, tallT), "3x2", "1x2");
        assertMessage(() -> network.trainStep(good, tallT, 0.1, true), "3x2", "1x2");
        // nothing changed by the failed calls
        for (int k = 1; k <= 8; k++) {
            assertEquals(WorkedExample.initialWeight(k), WorkedExample.weight(network, k), 0.0);
        }
    }

    @Test
    void networkOfRejectsNonAdjacentWidths() {
        DenseLayer a = DenseLayer.random(3, 4, new java.util.SplittableRandom(1));
        DenseLayer b = DenseLayer.random(5, 2, new java.util.SplittableRandom(2));
        assertMessage(() -> Network.of(K, a, b), "5", "4");
        assertMessage(() -> Network.of(K, java.util.List.of(a, b)), "5", "4");
        assertThrows(IllegalArgumentException.class, () -> Network.of(K));
        Network ok = Network.of(K, a, DenseLayer.random(4, 2, new java.util.SplittableRandom(3)));
        assertArrayEquals(new int[] {3, 4, 2}, ok.widths());
    }

    @Test
    void denseLayerRejectsBadBiasAndNonFiniteValues() {
        DMatrixRMaj w = new DMatrixRMaj(3, 2, true, 1, 2, 3, 4, 5, 6);
        assertMessage(() -> new DenseLayer(w, new DMatrixRMaj(2, 1)), "2x1", "3x2", "3");
        assertMessage(() -> new DenseLayer(w, new DMatrixRMaj(1, 4)), "1x4", "3x2");
        assertMessage(() -> new DenseLayer(w, new DMatrixRMaj(3, 3)), "3x3", "3x2");
        DMatrixRMaj nan = w.copy();
        nan.set(1, 0, Double.NaN);
        assertMessage(() -> new DenseLayer(nan, new DMatrixRMaj(3, 1)), "NaN", "(1, 0)");
        DMatrixRMaj infBias = new DMatrixRMaj(3, 1, true, 0, Double.POSITIVE_INFINITY, 0);
        assertMessage(() -> new DenseLayer(w, infBias), "Infinity");
        assertThrows(IllegalArgumentException.class, () -> new DenseLayer(new DMatrixRMaj(0, 2), new DMatrixRMaj(0, 1)));
        // a row-vector bias is accepted and stored as out x 1; inputs are copied
        DMatrixRMaj row = new DMatrixRMaj(1, 3, true, 7, 8, 9);
        DenseLayer layer = new DenseLayer(w, row);
        assertEquals(3, layer.bias().numRows);
        assertEquals(1, layer.bias().numCols);
        assertArrayEquals(new double[] {7, 8, 9}, snapshot(layer.bias()));
        w.set(0, 0, 100);
        row.set(0, 0, 100);
        assertEquals(1, layer.weights().get(0, 0), 0.0);
        assertEquals(7, layer.bias().get(0), 0.0);
        assertEquals(2, layer.inputs());
        assertEquals(3, layer.outputs());
    }

    @Test
    void randomRejectsBadWidths() {
        assertMessage(() -> Network.random(K, 1, 3, 0, 2), "[3, 0, 2]");
        assertMessage(() -> Network.random(K, 1, 0, 2), "[0, 2]");
        assertThrows(IllegalArgumentException.class, () -> Network.random(K, 1, 3, -1));
        assertThrows(IllegalArgumentException.class, () -> Network.random(K, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> DenseLayer.random(0, 3, new java.util.SplittableRandom(1)));
    }
}
