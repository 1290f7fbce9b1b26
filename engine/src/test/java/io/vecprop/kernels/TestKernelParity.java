package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kernel, scalar against SIMD, over sizes 1 to 70, 127, 128, 129, 1000, 1023, 1024 and 4097
 * (so every vector tail and block edge runs), random data from fixed seeds. Elementwise kernels
 * agree within 4 ulp; a product element within {@code 1e-12 · k · Σ|a·b|}, relative to the
 * magnitude of its k terms. The build runs this class at 128, 256 and 512 bits
 * ({@code -Dvecprop.vectorBits}).
 */
class TestKernelParity {

    static final int[] SIZES = IntStream.concat(IntStream.rangeClosed(1, 70),
            IntStream.of(127, 128, 129, 1000, 1023, 1024, 4097)).toArray();
    /** Sizes for the two dimensions of a product that are not swept. */
    static final int[] SMALL = {1, 3, 8, 13};
    static final int ULPS = 4;

    static DenseKernels scalar;
    static DenseKernels simd;
    static DenseKernels simd3;
    static final Set<String> CHECKED = new TreeSet<>();

    @BeforeAll
    static void kernels() {
        scalar = SimdSupport.scalar();
        simd = SimdSupport.simd(1);
        simd3 = SimdSupport.simd(3);
    }

    /** Like EJML's tests: a kernel added to the interface without a parity check fails here. */
    @AfterAll
    static void everyKernelWasChecked() {
        Set<String> declared = new TreeSet<>();
        for (Method m : DenseKernels.class.getMethods()) {
            if (m.getParameterCount() > 0) {
                declared.add(m.getName());
            }
        }
        if (!CHECKED.containsAll(declared)) {
            Set<String> missing = new TreeSet<>(declared);
            missing.removeAll(CHECKED);
            fail("kernels without a parity check: " + missing);
        }
    }

    static double[] random(SplittableRandom rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(lo, hi);
        }
        return a;
    }

    static void assertUlps(double[] expected, double[] actual, int n, String what) {
        for (int i = 0; i < n; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            long ulps = Math.abs(Double.doubleToLongBits(e) - Double.doubleToLongBits(a));
            if (e != a && (ulps > ULPS || Math.signum(e) != Math.signum(a))) {
                fail(what + " [" + i + "]: scalar " + e + ", simd " + a + " (" + ulps + " ulp)");
            }
        }
    }

    /** c element (i, j) agrees within 1e-12 · k · magnitude[i][j]. */
    static void assertProduct(double[] expected, double[] actual, double[] magnitude, int k, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-12 * Math.max(1, k) * magnitude[i] + Double.MIN_NORMAL;
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: scalar " + expected[i] + ", simd " + actual[i] + ", tolerance " + tol);
            }
        }
    }

    /** Σ_p |a(i,p)·b(p,j)| for C = op(A)·op(B), as the reference for a product's rounding. */
    static double[] magnitude(int m, int n, int k, double[] a, boolean transA, double[] b, boolean transB) {
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double av = Math.abs(transA ? a[p * m + i] : a[i * k + p]);
                for (int j = 0; j < n; j++) {
                    mag[i * n + j] += av * Math.abs(transB ? b[j * k + p] : b[p * n + j]);
                }
            }
        }
        return mag;
    }

    @Test
    void elementwiseKernels() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : SIZES) {
            double[] net = random(rnd, n, -40, 40);
            double[] e = new double[n], a = new double[n];
            scalar.sigmoid(n, net, e);
            simd.sigmoid(n, net, a);
            assertUlps(e, a, n, "sigmoid n=" + n);

            double[] out = random(rnd, n, 0, 1), target = random(rnd, n, 0, 1);
            double[] de = new double[n], da = new double[n];
            double se = scalar.outputDelta(n, out, target, de);
            double sa = simd.outputDelta(n, out, target, da);
            assertUlps(de, da, n, "outputDelta n=" + n);
            assertEquals(se, sa, 1e-12 * n * se + Double.MIN_VALUE, "outputDelta sum n=" + n);

            double[] delta = random(rnd, n, -1, 1);
            double[] me = delta.clone(), ma = delta.clone();
            scalar.mulSigmoidDeriv(n, out, me);
            simd.mulSigmoidDeriv(n, out, ma);
            assertUlps(me, ma, n, "mulSigmoidDeriv n=" + n);

            double[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
            double[] ye = y.clone(), ya = y.clone(), ya3 = y.clone();
            scalar.axpy(n, -0.37, x, ye);
            simd.axpy(n, -0.37, x, ya);
            simd3.axpy(n, -0.37, x, ya3);
            // y + alpha·x: the fused form rounds once where the scalar one rounds twice
            assertProduct(ye, ya, absSum(y, x, 0.37), 1, "axpy n=" + n);
            assertTrue(Arrays.equals(ya, ya3), "axpy is the same on 1 and 3 threads, n=" + n);
        }
        CHECKED.addAll(Set.of("sigmoid", "outputDelta", "mulSigmoidDeriv", "axpy"));
    }

    static double[] absSum(double[] y, double[] x, double alpha) {
        double[] m = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            m[i] = Math.abs(y[i]) + alpha * Math.abs(x[i]);
        }
        return m;
    }

    @Test
    void scaleAndSoftmax() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : SIZES) {
            double[] x = random(rnd, n, -3, 3);
            double[] e = x.clone(), a = x.clone();
            scalar.scale(n, 0.9, e);
            simd.scale(n, 0.9, a);
            assertUlps(e, a, n, "scale n=" + n);
        }
        for (int n : SIZES) {
            for (int m : new int[] {1, 3}) {
                // logits spread wide enough that some outputs underflow, and one-hot or soft targets
                double[] net = random(rnd, m * n, -60, 60);
                double[] target = new double[m * n];
                for (int r = 0; r < m; r++) {
                    if (r % 2 == 0) {
                        target[r * n + rnd.nextInt(n)] = 1;
                    } else {
                        for (int j = 0; j < n; j++) {
                            target[r * n + j] = rnd.nextDouble() / n;
                        }
                    }
                }
                double[] oe = new double[m * n], oa = new double[m * n];
                scalar.softmax(m, n, net, oe);
                simd.softmax(m, n, net, oa);
                assertSoftmax(oe, oa, n, "softmax m=" + m + " n=" + n);
                double[] de = new double[m * n], da = new double[m * n];
                double le = scalar.softmaxCrossEntropy(m, n, net, target, oe, de);
                double la = simd.softmaxCrossEntropy(m, n, net, target, oa, da);
                assertSoftmax(oe, oa, n, "softmaxCrossEntropy out m=" + m + " n=" + n);
                assertEquals(le, la, 1e-12 * (1 + Math.abs(le)) * n, "softmaxCrossEntropy loss m=" + m + " n=" + n);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(de[i], da[i], (8 + n) * 0x1p-52, "softmaxCrossEntropy delta m=" + m + " n=" + n + " [" + i + "]");
                }
            }
        }
        CHECKED.addAll(Set.of("scale", "softmax", "softmaxCrossEntropy"));
    }

    /** Probabilities agree within (8 + n) ulp-sized relative steps: exp may differ by an ulp or two, the row sum of n terms in its order. */
    static void assertSoftmax(double[] expected, double[] actual, int n, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = (8 + n) * 0x1p-52 * expected[i] + Double.MIN_NORMAL;
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: scalar " + expected[i] + ", simd " + actual[i] + ", tolerance " + tol);
            }
        }
    }

    @Test
    void columnSums() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : SIZES) {
            for (int m : SMALL) {
                double[] a = random(rnd, m * n, -1, 1);
                double[] sums = random(rnd, n, -1, 1);
                double[] e = sums.clone(), s = sums.clone();
                scalar.addColumnSums(m, n, 0.25, a, e);
                simd.addColumnSums(m, n, 0.25, a, s);
                double[] mag = new double[n];
                for (int j = 0; j < n; j++) {
                    mag[j] = Math.abs(sums[j]);
                    for (int i = 0; i < m; i++) {
                        mag[j] += 0.25 * Math.abs(a[i * n + j]);
                    }
                }
                assertProduct(e, s, mag, m, "addColumnSums m=" + m + " n=" + n);
            }
        }
        CHECKED.add("addColumnSums");
    }

    @Test
    void outerProductAndOnlineBackward() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : SIZES) {
            for (int m : SMALL) {
                for (int[] mn : new int[][] {{m, n}, {n, m}}) {
                    int rows = mn[0], cols = mn[1];
                    double[] x = random(rnd, rows, -1, 1), y = random(rnd, cols, 0, 1);
                    double[] w = random(rnd, rows * cols, -1, 1);
                    double[] mag = new double[rows * cols];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            mag[i * cols + j] = Math.abs(w[i * cols + j]) + 0.1 * Math.abs(x[i] * y[j]);
                        }
                    }
                    double[] we = w.clone(), wa = w.clone(), wa3 = w.clone();
                    scalar.addOuterProd(rows, cols, -0.1, x, y, we);
                    simd.addOuterProd(rows, cols, -0.1, x, y, wa);
                    simd3.addOuterProd(rows, cols, -0.1, x, y, wa3);
                    String what = "addOuterProd " + rows + "x" + cols;
                    assertProduct(we, wa, mag, 1, what);
                    assertTrue(Arrays.equals(wa, wa3), what + " is the same on 1 and 3 threads");

                    double[] de = new double[cols], da = new double[cols], da3 = new double[cols];
                    we = w.clone();
                    wa = w.clone();
                    wa3 = w.clone();
                    scalar.onlineBackward(rows, cols, -0.1, x, y, we, de);
                    simd.onlineBackward(rows, cols, -0.1, x, y, wa, da);
                    simd3.onlineBackward(rows, cols, -0.1, x, y, wa3, da3);
                    what = "onlineBackward " + rows + "x" + cols;
                    assertProduct(we, wa, mag, 1, what + " W");
                    double[] dmag = magnitude(1, cols, rows, x, false, w, false);
                    for (int j = 0; j < cols; j++) {
                        dmag[j] *= y[j] * (1 - y[j]);
                    }
                    assertProduct(de, da, dmag, rows, what + " delta below");
                    assertTrue(Arrays.equals(wa, wa3) && Arrays.equals(da, da3), what + " is the same on 1 and 3 threads");
                }
            }
        }
        CHECKED.addAll(Set.of("addOuterProd", "onlineBackward"));
    }

    /** Runs every product kernel on one shape and compares. */
    void products(SplittableRandom rnd, int m, int n, int k) {
        String shape = " m=" + m + " n=" + n + " k=" + k;
        double[] a = random(rnd, m * k, -1, 1);
        double[] bt = random(rnd, n * k, -1, 1); // n x k, the forward's W
        double[] bias = random(rnd, n, -1, 1);
        double[] e = new double[m * n], s = new double[m * n], s3 = new double[m * n];
        scalar.multTransBAddBias(m, n, k, a, bt, bias, e);
        simd.multTransBAddBias(m, n, k, a, bt, bias, s);
        simd3.multTransBAddBias(m, n, k, a, bt, bias, s3);
        double[] mag = magnitude(m, n, k, a, false, bt, true);
        for (int i = 0; i < m * n; i++) {
            mag[i] += Math.abs(bias[i % n]);
        }
        assertProduct(e, s, mag, k, "multTransBAddBias" + shape);
        assertTrue(Arrays.equals(s, s3), "multTransBAddBias is the same on 1 and 3 threads" + shape);

        double[] b = random(rnd, k * n, -1, 1); // k x n
        scalar.mult(m, n, k, a, b, e);
        simd.mult(m, n, k, a, b, s);
        simd3.mult(m, n, k, a, b, s3);
        assertProduct(e, s, magnitude(m, n, k, a, false, b, false), k, "mult" + shape);
        assertTrue(Arrays.equals(s, s3), "mult is the same on 1 and 3 threads" + shape);

        double[] out = random(rnd, m * n, 0, 1);
        scalar.hiddenDelta(m, n, k, a, b, out, e);
        simd.hiddenDelta(m, n, k, a, b, out, s);
        mag = magnitude(m, n, k, a, false, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] *= out[i] * (1 - out[i]);
        }
        assertProduct(e, s, mag, k, "hiddenDelta" + shape);

        double[] at = random(rnd, k * m, -1, 1); // k x m: Delta for Deltaᵀ·X
        double[] c = random(rnd, m * n, -1, 1);
        double[] ce = c.clone(), cs = c.clone(), cs3 = c.clone();
        scalar.multAddTransA(m, n, k, -0.05, at, b, ce);
        simd.multAddTransA(m, n, k, -0.05, at, b, cs);
        simd3.multAddTransA(m, n, k, -0.05, at, b, cs3);
        mag = magnitude(m, n, k, at, true, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] = Math.abs(c[i]) + 0.05 * mag[i];
        }
        assertProduct(ce, cs, mag, k, "multAddTransA" + shape);
        assertTrue(Arrays.equals(cs, cs3), "multAddTransA is the same on 1 and 3 threads" + shape);
    }

    @Test
    void productsSweepingEachDimension() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int size : SIZES) {
            for (int o : SMALL) {
                products(rnd, size, o, 7);
                products(rnd, o, size, 5);
                products(rnd, 3, o, size);
            }
        }
        CHECKED.addAll(Set.of("multTransBAddBias", "mult", "hiddenDelta", "multAddTransA"));
    }

    @Test
    void productsOnBlockedShapes() {
        // shapes that cross the packed blocks' edges (KC = 256, NC = 320) and the 5 x 32 micro-tile's
        SplittableRandom rnd = new SplittableRandom(15);
        int[][] shapes = {{6, 24, 192}, {7, 25, 193}, {96, 48, 64}, {97, 47, 385}, {128, 200, 130}, {1, 1024, 1023},
            {130, 1, 77}, {2, 1000, 2}, {61, 333, 250}, {5, 32, 256}, {6, 33, 257}, {11, 321, 513}, {16, 640, 8},
            {128, 330, 300}, {256, 64, 129}};
        for (int[] s : shapes) {
            products(rnd, s[0], s[1], s[2]);
        }
    }
}
