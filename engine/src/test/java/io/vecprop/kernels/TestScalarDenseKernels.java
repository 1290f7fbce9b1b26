package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.scalar.ScalarDenseKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scalar kernels against EJML's own operations, over odd sizes; and the {@link Kernels}
 * facade's shape checks.
 */
class TestScalarDenseKernels {

    private static final DenseKernels S = ScalarDenseKernels.INSTANCE;
    private static final int[] SIZES = {1, 2, 3, 7, 16, 33};

    static Stream<Arguments> mnk() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    b.add(Arguments.of(m, n, k));
                }
            }
        }
        return b.build();
    }

    static Stream<Arguments> mn() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int m : SIZES) {
            for (int n : SIZES) {
                b.add(Arguments.of(m, n));
            }
        }
        return b.build();
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-2, 2);
        }
        return m;
    }

    private static DMatrixRMaj abs(DMatrixRMaj m) {
        DMatrixRMaj a = m.copy();
        CommonOps_DDRM.abs(a);
        return a;
    }

    private static long seed(int... sizes) {
        long s = 17;
        for (int v : sizes) {
            s = s * 101 + v;
        }
        return s;
    }

    /**
     * |expected - actual| <= 1e-12 · length · scale elementwise, with scale the same reduction over
     * absolute values (the usual bound on summation error; it does not vanish under cancellation).
     */
    private static void assertReduced(DMatrixRMaj expected, double[] actual, DMatrixRMaj scale, int length, String what) {
        for (int i = 0; i < expected.getNumElements(); i++) {
            double tol = 1e-12 * Math.max(1, length) * scale.data[i];
            assertTrue(Math.abs(expected.data[i] - actual[i]) <= tol,
                    what + " [" + i + "]: EJML " + expected.data[i] + " but kernel " + actual[i] + " (tol " + tol + ")");
        }
    }

    @Test
    void nameAndFacade() {
        assertEquals("scalar", S.info().name());
        assertSame(Kernels.scalar(), Kernels.of(S));
        assertSame(S, Kernels.scalar().impl());
        assertEquals("scalar", Kernels.scalar().info().name());
        assertEquals("3x4", Kernels.shape(new DMatrixRMaj(3, 4)));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("mnk")
    void multTransBAddBiasMatchesEjml(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(seed(1, m, n, k));
        DMatrixRMaj a = random(rnd, m, k), b = random(rnd, n, k), bias = random(rnd, 1, n);
        double[] a0 = a.data.clone(), b0 = b.data.clone(), bias0 = bias.data.clone();
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransB(a, b, expected);
        DMatrixRMaj scale = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransB(abs(a), abs(b), scale);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                expected.add(i, j, bias.get(j));
                scale.add(i, j, Math.abs(bias.get(j)));
            }
        }
        double[] c = new double[m * n];
        Arrays.fill(c, Double.NaN); // overwritten, not accumulated
        S.multTransBAddBias(m, n, k, a.data, b.data, bias.data, c);
        assertReduced(expected, c, scale, k + 1, "multTransBAddBias");
        assertArrayEquals(a0, a.data);
        assertArrayEquals(b0, b.data);
        assertArrayEquals(bias0, bias.data);

        // through the facade, with a column-vector bias
        DMatrixRMaj net = new DMatrixRMaj(m, n);
        Kernels.scalar().multTransBAddBias(a, b, new DMatrixRMaj(n, 1, true, bias.data), net);
        assertArrayEquals(c, net.data, 0.0);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("mnk")
    void multMatchesEjml(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(seed(2, m, n, k));
        DMatrixRMaj a = random(rnd, m, k), b = random(rnd, k, n);
        double[] a0 = a.data.clone(), b0 = b.data.clone();
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(a, b, expected);
        DMatrixRMaj scale = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(abs(a), abs(b), scale);
        double[] c = new double[m * n];
        Arrays.fill(c, 1e300); // overwritten, not accumulated
        S.mult(m, n, k, a.data, b.data, c);
        assertReduced(expected, c, scale, k, "mult");
        assertArrayEquals(a0, a.data);
        assertArrayEquals(b0, b.data);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("mnk")
    void multAddTransAMatchesEjml(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(seed(3, m, n, k));
        DMatrixRMaj a = random(rnd, k, m), b = random(rnd, k, n), c0 = random(rnd, m, n);
        double alpha = -0.37;
        double[] a0 = a.data.clone(), b0 = b.data.clone();
        DMatrixRMaj expected = c0.copy();
        CommonOps_DDRM.multAddTransA(alpha, a, b, expected);
        DMatrixRMaj scale = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransA(abs(a), abs(b), scale);
        CommonOps_DDRM.scale(Math.abs(alpha), scale);
        CommonOps_DDRM.addEquals(scale, abs(c0));
        double[] c = c0.data.clone();
        S.multAddTransA(m, n, k, alpha, a.data, b.data, c);
        assertReduced(expected, c, scale, k + 1, "multAddTransA");
        assertArrayEquals(a0, a.data);
        assertArrayEquals(b0, b.data);

        // into zeros with alpha 1 it is multTransA
        DMatrixRMaj product = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransA(a, b, product);
        DMatrixRMaj scale1 = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransA(abs(a), abs(b), scale1);
        DMatrixRMaj w = new DMatrixRMaj(m, n);
        Kernels.scalar().multAddTransA(1.0, a, b, w);
        assertReduced(product, w.data, scale1, k, "multAddTransA into zeros");
    }

    @ParameterizedTest(name = "m={0} n={1}")
    @MethodSource("mn")
    void addOuterProdMatchesEjml(int m, int n) {
        SplittableRandom rnd = new SplittableRandom(seed(4, m, n));
        DMatrixRMaj x = random(rnd, m, 1), y = random(rnd, n, 1), a0 = random(rnd, m, n);
        double alpha = -0.1;
        double[] x0 = x.data.clone(), y0 = y.data.clone();
        DMatrixRMaj expected = a0.copy();
        VectorVectorMult_DDRM.addOuterProd(alpha, x, y, expected);
        double[] a = a0.data.clone();
        S.addOuterProd(m, n, alpha, x.data, y.data, a);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double scale = Math.abs(a0.get(i, j)) + Math.abs(alpha * x.get(i) * y.get(j));
                assertEquals(expected.get(i, j), a[i * n + j], 1e-12 * scale, "addOuterProd (" + i + ", " + j + ")");
            }
        }
        assertArrayEquals(x0, x.data);
        assertArrayEquals(y0, y.data);
        // the facade reads x and y as vectors of any orientation
        DMatrixRMaj viaFacade = a0.copy();
        Kernels.scalar().addOuterProd(alpha, new DMatrixRMaj(1, m, true, x.data), y, viaFacade);
        assertArrayEquals(a, viaFacade.data, 0.0);
    }

    @ParameterizedTest(name = "m={0} n={1}")
    @MethodSource("mn")
    void addColumnSumsMatchesEjml(int m, int n) {
        SplittableRandom rnd = new SplittableRandom(seed(5, m, n));
        DMatrixRMaj a = random(rnd, m, n), sums0 = random(rnd, n, 1);
        double alpha = 0.25;
        DMatrixRMaj colSums = CommonOps_DDRM.sumCols(a, null);
        assertEquals(1, colSums.numRows);
        DMatrixRMaj absSums = CommonOps_DDRM.sumCols(abs(a), null);
        DMatrixRMaj expected = new DMatrixRMaj(n, 1);
        DMatrixRMaj scale = new DMatrixRMaj(n, 1);
        for (int j = 0; j < n; j++) {
            expected.data[j] = sums0.data[j] + alpha * colSums.data[j];
            scale.data[j] = Math.abs(sums0.data[j]) + Math.abs(alpha) * absSums.data[j];
        }
        double[] a0 = a.data.clone();
        double[] sums = sums0.data.clone();
        S.addColumnSums(m, n, alpha, a.data, sums);
        assertReduced(expected, sums, scale, m + 1, "addColumnSums");
        assertArrayEquals(a0, a.data);
        // into zeros with alpha 1: exactly sumCols up to summation order
        DMatrixRMaj zeroed = new DMatrixRMaj(1, n);
        Kernels.scalar().addColumnSums(1.0, a, zeroed);
        assertReduced(colSums, zeroed.data, absSums, m, "addColumnSums into zeros");
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void elementwiseKernelsMatchPlainLoops(int n) {
        SplittableRandom rnd = new SplittableRandom(seed(6, n));
        double[] net = new double[n];
        for (int i = 0; i < n; i++) {
            net[i] = rnd.nextDouble(-30, 30);
        }
        net[0] = 0; // sigmoid(0) = 0.5 exactly
        double[] out = new double[n];
        S.sigmoid(n, net, out);
        for (int i = 0; i < n; i++) {
            double expected = 1 / (1 + Math.exp(-net[i]));
            assertEquals(expected, out[i], 1e-15 * expected, "sigmoid(" + net[i] + ")");
            assertTrue(out[i] > 0 && out[i] <= 1);
        }
        assertEquals(0.5, out[0], 0.0);
        // in place
        double[] inPlace = net.clone();
        S.sigmoid(n, inPlace, inPlace);
        assertArrayEquals(out, inPlace, 0.0);

        // outputDelta and its sum of squares
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = rnd.nextDouble();
        }
        double[] delta = new double[n];
        Arrays.fill(delta, Double.NaN);
        double sumSq = S.outputDelta(n, out, target, delta);
        double expectedSum = 0;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double diff = target[i] - out[i];
            expectedSum += diff * diff;
            d[i] = -diff * out[i] * (1 - out[i]);
            assertEquals(d[i], delta[i], 1e-15 * Math.abs(d[i]) + 1e-300, "outputDelta [" + i + "]");
        }
        assertEquals(expectedSum, sumSq, 1e-15 * n * expectedSum);
        // EJML: sum of squares is the squared Frobenius norm of (target - out)
        DMatrixRMaj diff = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.subtract(new DMatrixRMaj(n, 1, true, target), new DMatrixRMaj(n, 1, true, out), diff);
        double norm = org.ejml.dense.row.NormOps_DDRM.normF(diff);
        assertEquals(norm * norm, sumSq, 1e-12 * sumSq);

        // mulSigmoidDeriv
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = rnd.nextDouble(-1, 1);
        }
        double[] h = g.clone();
        S.mulSigmoidDeriv(n, out, h);
        for (int i = 0; i < n; i++) {
            double expected = g[i] * out[i] * (1 - out[i]);
            assertEquals(expected, h[i], 1e-15 * Math.abs(expected) + 1e-300, "mulSigmoidDeriv [" + i + "]");
        }

        // axpy against EJML's addEquals
        DMatrixRMaj x = random(rnd, n, 1), y = random(rnd, n, 1);
        DMatrixRMaj expected = y.copy();
        CommonOps_DDRM.addEquals(expected, -0.3, x);
        double[] yy = y.data.clone();
        S.axpy(n, -0.3, x.data, yy);
        assertArrayEquals(expected.data, yy, 0.0);
    }

    static Stream<Arguments> sizes() {
        return Arrays.stream(SIZES).mapToObj(Arguments::of);
    }

    @Test
    void softmaxOfAKnownCase() {
        // softmax(1, 2, 3) = e^i / (e + e^2 + e^3); a shift by 1000 changes nothing and overflows nothing
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double[] expected = {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z};
        double[] net = {1, 2, 3, 1001, 1002, 1003};
        double[] out = new double[6];
        S.softmax(2, 3, net, out);
        for (int j = 0; j < 3; j++) {
            assertEquals(expected[j], out[j], 1e-15);
            assertEquals(expected[j], out[3 + j], 1e-15);
        }
        // cross-entropy of the one-hot class 2 is -log(out[1]); delta = out - target
        double[] target = {0, 1, 0, 0.25, 0.25, 0.5};
        double[] out2 = new double[6], delta = new double[6];
        double loss = S.softmaxCrossEntropy(2, 3, net, target, out2, delta);
        double expectedLoss = -Math.log(expected[1])
                - 0.25 * Math.log(expected[0]) - 0.25 * Math.log(expected[1]) - 0.5 * Math.log(expected[2]);
        assertEquals(expectedLoss, loss, 1e-12); // row 2 works at logits near 1000, whose ulp is 1.1e-13
        assertArrayEquals(out, out2);
        for (int i = 0; i < 6; i++) {
            assertEquals(out[i] - target[i], delta[i], 1e-16);
        }
        // a logit so low its probability underflows to 0 still gives a finite loss: 2000 - 0
        double[] far = {0, -2000};
        double farLoss = S.softmaxCrossEntropy(1, 2, far, new double[] {0, 1}, new double[2], new double[2]);
        assertEquals(2000, farLoss, 1e-12);
    }

    @Test
    void scaleMultipliesEveryElement() {
        double[] x = {1, -2, 0.5};
        S.scale(3, 0.5, x);
        assertArrayEquals(new double[] {0.5, -1, 0.25}, x);
    }

    @Test
    void sumOfSquaresOfAKnownCase() {
        double[] out = {0.75, 0.25, 0.5};
        double[] target = {0.5, 0.5, 1.0};
        double[] delta = new double[3];
        double s = S.outputDelta(3, out, target, delta);
        assertEquals(0.0625 + 0.0625 + 0.25, s, 0.0);
        assertEquals(0.25 * 0.75 * 0.25, delta[0], 0.0);
        assertEquals(-0.25 * 0.25 * 0.75, delta[1], 0.0);
        assertEquals(-0.5 * 0.5 * 0.5, delta[2], 0.0);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("mnk")
    void hiddenDeltaIsProductThenSigmoidDerivative(int m, int n, int k) {
        // delta = (deltaAbove · wAbove) ∘ out ∘ (1 - out); m samples, k units above, n units here
        SplittableRandom rnd = new SplittableRandom(seed(7, m, n, k));
        DMatrixRMaj deltaAbove = random(rnd, m, k), wAbove = random(rnd, k, n), out = new DMatrixRMaj(m, n);
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = rnd.nextDouble();
        }
        DMatrixRMaj product = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(deltaAbove, wAbove, product);
        DMatrixRMaj scale = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(abs(deltaAbove), abs(wAbove), scale);
        DMatrixRMaj deriv = out.copy();
        for (int i = 0; i < deriv.data.length; i++) {
            deriv.data[i] = out.data[i] * (1 - out.data[i]);
        }
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        CommonOps_DDRM.elementMult(product, deriv, expected);
        CommonOps_DDRM.elementMult(scale, deriv);
        DMatrixRMaj delta = new DMatrixRMaj(m, n);
        Kernels.scalar().hiddenDelta(deltaAbove, wAbove, out, delta);
        assertReduced(expected, delta.data, scale, k + 2, "hiddenDelta");
    }

    // ---------------------------------------------------------------- facade shape errors

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                    "message \"" + e.getMessage() + "\" should contain \"" + part + "\"");
        }
    }

    private static DMatrixRMaj m(int rows, int cols) {
        return new DMatrixRMaj(rows, cols);
    }

    @Test
    void multTransBAddBiasShapeErrors() {
        Kernels k = Kernels.scalar();
        // x 4x3, W 5x2: input columns
        assertMessage(() -> k.multTransBAddBias(m(4, 3), m(5, 2), m(5, 1), m(4, 5)), "4x3", "5x2");
        // bias length
        assertMessage(() -> k.multTransBAddBias(m(4, 2), m(5, 2), m(4, 1), m(4, 5)), "4x1", "5");
        assertMessage(() -> k.multTransBAddBias(m(4, 2), m(5, 2), m(5, 2), m(4, 5)), "5x2", "5");
        // net shape
        assertMessage(() -> k.multTransBAddBias(m(4, 2), m(5, 2), m(5, 1), m(5, 4)), "5x4", "4x5");
        assertMessage(() -> k.multTransBAddBias(m(4, 2), m(5, 2), m(1, 5), m(3, 5)), "3x5", "4x5");
    }

    @Test
    void sigmoidShapeErrors() {
        assertMessage(() -> Kernels.scalar().sigmoid(m(3, 4), m(4, 3)), "4x3", "3x4");
        assertMessage(() -> Kernels.scalar().sigmoid(m(3, 4), m(3, 5)), "3x5", "3x4");
    }

    @Test
    void outputDeltaShapeErrors() {
        Kernels k = Kernels.scalar();
        assertMessage(() -> k.outputDelta(m(3, 4), m(3, 5), m(3, 4)), "3x5", "3x4");
        assertMessage(() -> k.outputDelta(m(3, 4), m(2, 4), m(3, 4)), "2x4", "3x4");
        assertMessage(() -> k.outputDelta(m(3, 4), m(3, 4), m(4, 3)), "4x3", "3x4");
    }

    @Test
    void hiddenDeltaShapeErrors() {
        Kernels k = Kernels.scalar();
        // deltaAbove 6x2, wAbove 3x5 (3 units above, 5 here)
        assertMessage(() -> k.hiddenDelta(m(6, 2), m(3, 5), m(6, 5), m(6, 5)), "6x2", "3x5");
        assertMessage(() -> k.hiddenDelta(m(6, 3), m(3, 5), m(6, 4), m(6, 5)), "6x4", "6x5");
        assertMessage(() -> k.hiddenDelta(m(6, 3), m(3, 5), m(6, 5), m(5, 6)), "5x6", "6x5");
    }

    @Test
    void multAddTransAShapeErrors() {
        Kernels k = Kernels.scalar();
        // delta 4x3, x 5x2
        assertMessage(() -> k.multAddTransA(1, m(4, 3), m(5, 2), m(3, 2)), "4x3", "5x2");
        assertMessage(() -> k.multAddTransA(1, m(4, 3), m(4, 2), m(2, 3)), "2x3", "3x2");
    }

    @Test
    void addOuterProdShapeErrors() {
        Kernels k = Kernels.scalar();
        assertMessage(() -> k.addOuterProd(1, m(4, 1), m(2, 1), m(3, 2)), "4x1", "3");
        assertMessage(() -> k.addOuterProd(1, m(3, 1), m(1, 3), m(3, 2)), "1x3", "2");
        assertMessage(() -> k.addOuterProd(1, m(3, 2), m(2, 1), m(6, 2)), "3x2", "6");
    }

    @Test
    void addColumnSumsShapeErrors() {
        Kernels k = Kernels.scalar();
        assertMessage(() -> k.addColumnSums(1, m(4, 3), m(4, 1)), "4x1", "3");
        assertMessage(() -> k.addColumnSums(1, m(4, 3), m(3, 3)), "3x3", "3");
    }

    @Test
    void axpyShapeErrors() {
        assertMessage(() -> Kernels.scalar().axpy(1, m(3, 2), m(5, 1)), "3x2", "5x1");
        // same count, other orientation is fine
        DMatrixRMaj y = m(6, 1);
        Kernels.scalar().axpy(2, new DMatrixRMaj(3, 2, true, 1, 2, 3, 4, 5, 6), y);
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, y.data, 0.0);
    }

    @Test
    void shapeErrorsLeaveOutputsUntouched() {
        DMatrixRMaj w = new DMatrixRMaj(3, 2, true, 1, 2, 3, 4, 5, 6);
        double[] before = w.data.clone();
        assertThrows(IllegalArgumentException.class, () -> Kernels.scalar().multAddTransA(1, m(4, 3), m(5, 2), w));
        assertThrows(IllegalArgumentException.class, () -> Kernels.scalar().addOuterProd(1, m(4, 1), m(2, 1), w));
        assertArrayEquals(before, w.data, 0.0);
    }
}
