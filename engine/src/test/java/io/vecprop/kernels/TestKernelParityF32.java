package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.mult.VectorVectorMult_FDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernels, three ways, over the sizes of {@link TestKernelParity} (1 to 70, 127, 128,
 * 129, 1000, 1023, 1024, 4097, so every vector tail and block edge runs), random data from fixed
 * seeds:
 * <ol>
 *   <li>SIMD against scalar, both in float, on 1 and 2 threads, the two thread counts bit-identical;
 *   <li>float scalar against the double scalar kernels on the same inputs (floats, widened exactly),
 *       the double result rounded to float: the twin computes the same function as its source;
 *   <li>the products and sums against EJML's float operations ({@code CommonOps_FDRM}).
 * </ol>
 * Tolerances are in ulps of float (u = 2^-24 is the unit roundoff, and {@code ulp(x) > u·|x|}):
 * <ul>
 *   <li>elementwise kernels: {@value #ULPS} ulp of the reference value. Each is at most four
 *       roundings in float (sigmoid: exp, 1 + e and the division; the output delta: o - t, two
 *       products and 1 - o), so its relative error is below 4u, under 4 ulps; the SIMD sigmoid's
 *       polynomial exp adds about an ulp, no more than the scalar's rounding of exp to float.
 *   <li>a reduction of k terms (products, sums, the bias and alpha steps around them): the textbook
 *       bound {@code |fl(Σ) - Σ| <= γ(k) · Σ|terms|}, γ(k) ≈ k·u, for each computation, so
 *       <pre>|simd - scalar| <= 2 · (k + 4) · ulp(Σ|terms|)</pre>
 *       (2: two computations, each within the bound; k + 4: the k-term sum and up to four
 *       roundings outside it, alpha·a, the bias or C added last, the sigmoid-derivative factor);
 *       against double, where only the float side errs, {@code (k + 4) · ulp(Σ|terms|)}, the
 *       double result's own rounding to float included in the 4. Σ|terms| is computed in double.
 *   <li>softmax: {@code (8 + n)} ulp of each probability (the exponentials differ by an ulp or two,
 *       the row sum of n terms by n·u relative); its loss within {@code 2 · (8 + n + m)} ulp of the
 *       magnitude of all its terms; its delta within {@code (8 + n)} ulp of 1.
 * </ul>
 * The build runs this class at 128, 256 and 512 bits ({@code -Dvecprop.vectorBits}).
 */
class TestKernelParityF32 {

    static final int[] SIZES = TestKernelParity.SIZES;
    static final int[] SMALL = TestKernelParity.SMALL;
    static final int ULPS = 4;

    static DenseKernelsF32 scalar;
    static DenseKernelsF32 simd;
    static DenseKernelsF32 simd2;
    static DenseKernels scalar64;
    static final Set<String> CHECKED = new TreeSet<>();
    static final Set<String> CHECKED_VS_DOUBLE = new TreeSet<>();

    @BeforeAll
    static void kernels() {
        scalar = SimdSupport.scalarF32();
        simd = SimdSupport.simdF32(1);
        simd2 = SimdSupport.simdF32(2);
        scalar64 = SimdSupport.scalar();
        assertEquals("simd", simd.info().name());
        assertEquals(1, simd.info().threads());
        assertEquals(2, simd2.info().threads());
    }

    /** Like EJML's tests: a kernel added to the interface without a parity check fails here. */
    @AfterAll
    static void everyKernelWasChecked() {
        Set<String> declared = new TreeSet<>();
        for (Method m : DenseKernelsF32.class.getMethods()) {
            if (m.getParameterCount() > 0) {
                declared.add(m.getName());
            }
        }
        for (Set<String> checked : java.util.List.of(CHECKED, CHECKED_VS_DOUBLE)) {
            if (!checked.containsAll(declared)) {
                Set<String> missing = new TreeSet<>(declared);
                missing.removeAll(checked);
                fail("float kernels without a " + (checked == CHECKED ? "SIMD parity" : "double") + " check: " + missing);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static float[] narrow(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    static long ulps(float a, float b) {
        return a == b ? 0 : Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    /** Elementwise: within ulps of the reference, the same sign, NaN where it is NaN. */
    static void assertUlps(float[] expected, float[] actual, int n, int maxUlps, String what) {
        for (int i = 0; i < n; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) {
                continue;
            }
            long ulps = ulps(e, a);
            if (e != a && (ulps > maxUlps || Math.signum(e) != Math.signum(a))) {
                fail(what + " [" + i + "]: expected " + e + ", got " + a + " (" + ulps + " ulp, at most " + maxUlps + ")");
            }
        }
    }

    /**
     * Element i of a k-term reduction agrees within {@code c · (k + 4) · ulp(magnitude[i])}, with
     * c = 2 for two float computations and 1 for float against double (see the class comment).
     */
    static void assertReduced(float[] expected, float[] actual, double[] magnitude, int k, int c, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = tolerance(magnitude[i], k, c);
            if (!(Math.abs((double) expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i] + ", tolerance " + tol
                        + " (" + (int) Math.ceil(tol / Math.ulp((float) magnitude[i])) + " ulp of " + magnitude[i] + ")");
            }
        }
    }

    static double tolerance(double magnitude, int k, int c) {
        return c * (Math.max(1, k) + 4) * (double) Math.ulp((float) magnitude) + Float.MIN_NORMAL;
    }

    static void assertSame(float[] a, float[] b, String what) {
        assertTrue(Arrays.equals(a, b), what + " is bit-identical on 1 and 2 threads");
    }

    /** Σ_p |a(i,p)·b(p,j)| for C = op(A)·op(B), in double, as the reference for a product's rounding. */
    static double[] magnitude(int m, int n, int k, float[] a, boolean transA, float[] b, boolean transB) {
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

    /** |y| + |alpha|·|x| elementwise: the magnitude of y + alpha·x. */
    static double[] absSum(float[] y, float[] x, double alpha) {
        double[] m = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            m[i] = Math.abs(y[i]) + Math.abs(alpha) * Math.abs(x[i]);
        }
        return m;
    }

    /** Σ_i |a[i][j]| scaled by |alpha|, plus |sums[j]|: the magnitude of addColumnSums. */
    static double[] columnMagnitude(int m, int n, double alpha, float[] a, float[] sums) {
        double[] mag = new double[n];
        for (int j = 0; j < n; j++) {
            mag[j] = Math.abs(sums[j]);
            for (int i = 0; i < m; i++) {
                mag[j] += Math.abs(alpha) * Math.abs(a[i * n + j]);
            }
        }
        return mag;
    }

    /** |w| + |alpha·x_i·y_j|: the magnitude of an outer-product update. */
    static double[] outerMagnitude(int rows, int cols, double alpha, float[] x, float[] y, float[] w) {
        double[] mag = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mag[i * cols + j] = Math.abs(w[i * cols + j]) + Math.abs(alpha * x[i] * y[j]);
            }
        }
        return mag;
    }

    /** Logits in [-60, 60) or one-hot/soft targets, as the double test draws them. */
    static float[] targets(SplittableRandom rnd, int m, int n) {
        float[] target = new float[m * n];
        for (int r = 0; r < m; r++) {
            if (r % 2 == 0) {
                target[r * n + rnd.nextInt(n)] = 1;
            } else {
                for (int j = 0; j < n; j++) {
                    target[r * n + j] = (float) (rnd.nextDouble() / n);
                }
            }
        }
        return target;
    }

    /**
     * e^-87: the SIMD exp flushes anything smaller to 0 (documented in SimdDenseKernels; in float the
     * flush starts just above the smallest normal, 1.18e-38, where in double e^-708 is 1.5 times it),
     * so this, not the smallest normal, is the absolute floor of a SIMD probability's tolerance.
     */
    static final double FLUSHED = Math.exp(-87);

    /** Probabilities within (8 + n) ulp of the expected ones (floored at what the SIMD exp flushes to 0). */
    static void assertSoftmax(float[] expected, float[] actual, int n, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = (8.0 + n) * Math.ulp(expected[i]) + FLUSHED;
            if (!(Math.abs((double) expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i] + " ("
                        + ulps(expected[i], actual[i]) + " ulp, at most " + (8 + n) + ")");
            }
        }
    }

    /** Σ over rows and j of |target|·(|max| + |log Σ exp(net - max)| + |net|), plus m: the magnitude of the loss's terms. */
    static double lossMagnitude(int m, int n, float[] net, float[] target) {
        double mag = m;
        for (int o = 0; o < m * n; o += n) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = o; j < o + n; j++) {
                max = Math.max(max, net[j]);
            }
            double sum = 0;
            for (int j = o; j < o + n; j++) {
                sum += Math.exp(net[j] - max);
            }
            double log = Math.log(sum);
            for (int j = o; j < o + n; j++) {
                mag += Math.abs(target[j]) * (Math.abs(max) + Math.abs(log) + Math.abs(net[j]));
            }
        }
        return mag;
    }

    // ---------------------------------------------------------------- SIMD against scalar, float

    @Test
    void elementwiseKernels() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : SIZES) {
            float[] net = random(rnd, n, -40, 40);
            float[] e = new float[n], a = new float[n], a2 = new float[n];
            scalar.sigmoid(n, net, e);
            simd.sigmoid(n, net, a);
            simd2.sigmoid(n, net, a2);
            assertUlps(e, a, n, ULPS, "sigmoid n=" + n);
            assertSame(a, a2, "sigmoid n=" + n);

            float[] out = random(rnd, n, 0, 1), target = random(rnd, n, 0, 1);
            float[] de = new float[n], da = new float[n], da2 = new float[n];
            float se = scalar.outputDelta(n, out, target, de);
            float sa = simd.outputDelta(n, out, target, da);
            float sa2 = simd2.outputDelta(n, out, target, da2);
            assertUlps(de, da, n, ULPS, "outputDelta n=" + n);
            // a sum of n squares: every term is positive, so its magnitude is the sum itself
            assertReduced(new float[] {se}, new float[] {sa}, new double[] {se}, n, 2, "outputDelta sum n=" + n);
            assertSame(da, da2, "outputDelta n=" + n);
            assertEquals(Float.floatToIntBits(sa), Float.floatToIntBits(sa2), "outputDelta sum on 1 and 2 threads, n=" + n);

            float[] delta = random(rnd, n, -1, 1);
            float[] me = delta.clone(), ma = delta.clone(), ma2 = delta.clone();
            scalar.mulSigmoidDeriv(n, out, me);
            simd.mulSigmoidDeriv(n, out, ma);
            simd2.mulSigmoidDeriv(n, out, ma2);
            assertUlps(me, ma, n, ULPS, "mulSigmoidDeriv n=" + n);
            assertSame(ma, ma2, "mulSigmoidDeriv n=" + n);

            float[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
            float[] ye = y.clone(), ya = y.clone(), ya2 = y.clone();
            scalar.axpy(n, -0.37f, x, ye);
            simd.axpy(n, -0.37f, x, ya);
            simd2.axpy(n, -0.37f, x, ya2);
            // y + alpha·x: the fused form rounds once where the scalar one rounds twice
            assertReduced(ye, ya, absSum(y, x, 0.37f), 1, 2, "axpy n=" + n);
            assertSame(ya, ya2, "axpy n=" + n);
        }
        CHECKED.addAll(Set.of("sigmoid", "outputDelta", "mulSigmoidDeriv", "axpy"));
    }

    @Test
    void scaleAndSoftmax() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : SIZES) {
            float[] x = random(rnd, n, -3, 3);
            float[] e = x.clone(), a = x.clone(), a2 = x.clone();
            scalar.scale(n, 0.9f, e);
            simd.scale(n, 0.9f, a);
            simd2.scale(n, 0.9f, a2);
            // one correctly rounded product each: the same bits
            assertArrayEquals(e, a, "scale n=" + n);
            assertSame(a, a2, "scale n=" + n);
        }
        for (int n : SIZES) {
            for (int m : new int[] {1, 3}) {
                // logits spread wide enough that some outputs underflow (e^-87 is flushed in float), and one-hot or soft targets
                float[] net = random(rnd, m * n, -60, 60);
                float[] target = targets(rnd, m, n);
                String shape = " m=" + m + " n=" + n;
                float[] oe = new float[m * n], oa = new float[m * n], oa2 = new float[m * n];
                scalar.softmax(m, n, net, oe);
                simd.softmax(m, n, net, oa);
                simd2.softmax(m, n, net, oa2);
                assertSoftmax(oe, oa, n, "softmax" + shape);
                assertSame(oa, oa2, "softmax" + shape);
                float[] de = new float[m * n], da = new float[m * n], da2 = new float[m * n];
                float le = scalar.softmaxCrossEntropy(m, n, net, target, oe, de);
                float la = simd.softmaxCrossEntropy(m, n, net, target, oa, da);
                float la2 = simd2.softmaxCrossEntropy(m, n, net, target, oa2, da2);
                assertSoftmax(oe, oa, n, "softmaxCrossEntropy out" + shape);
                double lossTol = 2 * (8.0 + n + m) * Math.ulp((float) lossMagnitude(m, n, net, target));
                assertEquals(le, la, lossTol, "softmaxCrossEntropy loss" + shape);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(de[i], da[i], (8 + n) * Math.ulp(1f), "softmaxCrossEntropy delta" + shape + " [" + i + "]");
                }
                assertEquals(Float.floatToIntBits(la), Float.floatToIntBits(la2), "softmaxCrossEntropy loss on 1 and 2 threads" + shape);
                assertSame(oa, oa2, "softmaxCrossEntropy out" + shape);
                assertSame(da, da2, "softmaxCrossEntropy delta" + shape);
            }
        }
        CHECKED.addAll(Set.of("scale", "softmax", "softmaxCrossEntropy"));
    }

    @Test
    void columnSums() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : SIZES) {
            for (int m : SMALL) {
                float[] a = random(rnd, m * n, -1, 1);
                float[] sums = random(rnd, n, -1, 1);
                float[] e = sums.clone(), s = sums.clone(), s2 = sums.clone();
                scalar.addColumnSums(m, n, 0.25f, a, e);
                simd.addColumnSums(m, n, 0.25f, a, s);
                simd2.addColumnSums(m, n, 0.25f, a, s2);
                assertReduced(e, s, columnMagnitude(m, n, 0.25, a, sums), m, 2, "addColumnSums m=" + m + " n=" + n);
                assertSame(s, s2, "addColumnSums m=" + m + " n=" + n);
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
                    outerAndOnline(rnd, mn[0], mn[1]);
                }
            }
        }
        CHECKED.addAll(Set.of("addOuterProd", "onlineBackward"));
    }

    void outerAndOnline(SplittableRandom rnd, int rows, int cols) {
        float[] x = random(rnd, rows, -1, 1), y = random(rnd, cols, 0, 1);
        float[] w = random(rnd, rows * cols, -1, 1);
        double[] mag = outerMagnitude(rows, cols, 0.1, x, y, w);
        float[] we = w.clone(), wa = w.clone(), wa2 = w.clone();
        scalar.addOuterProd(rows, cols, -0.1f, x, y, we);
        simd.addOuterProd(rows, cols, -0.1f, x, y, wa);
        simd2.addOuterProd(rows, cols, -0.1f, x, y, wa2);
        String what = "addOuterProd " + rows + "x" + cols;
        assertReduced(we, wa, mag, 1, 2, what);
        assertSame(wa, wa2, what);

        float[] de = new float[cols], da = new float[cols], da2 = new float[cols];
        we = w.clone();
        wa = w.clone();
        wa2 = w.clone();
        scalar.onlineBackward(rows, cols, -0.1f, x, y, we, de);
        simd.onlineBackward(rows, cols, -0.1f, x, y, wa, da);
        simd2.onlineBackward(rows, cols, -0.1f, x, y, wa2, da2);
        what = "onlineBackward " + rows + "x" + cols;
        assertReduced(we, wa, mag, 1, 2, what + " W");
        assertReduced(de, da, onlineDeltaMagnitude(rows, cols, x, y, w), rows, 2, what + " delta below");
        assertSame(wa, wa2, what + " W");
        assertSame(da, da2, what + " delta below");
    }

    /** Σ_i |x_i·w_ij| · y_j(1 - y_j): the magnitude of onlineBackward's delta below. */
    static double[] onlineDeltaMagnitude(int rows, int cols, float[] x, float[] y, float[] w) {
        double[] dmag = magnitude(1, cols, rows, x, false, w, false);
        for (int j = 0; j < cols; j++) {
            dmag[j] *= Math.abs(y[j] * (1.0 - y[j]));
        }
        return dmag;
    }

    /** Runs every product kernel on one shape and compares, SIMD against scalar and 1 against 2 threads. */
    void products(SplittableRandom rnd, int m, int n, int k) {
        String shape = " m=" + m + " n=" + n + " k=" + k;
        float[] a = random(rnd, m * k, -1, 1);
        float[] bt = random(rnd, n * k, -1, 1); // n x k, the forward's W
        float[] bias = random(rnd, n, -1, 1);
        float[] e = new float[m * n], s = new float[m * n], s2 = new float[m * n];
        scalar.multTransBAddBias(m, n, k, a, bt, bias, e);
        simd.multTransBAddBias(m, n, k, a, bt, bias, s);
        simd2.multTransBAddBias(m, n, k, a, bt, bias, s2);
        assertReduced(e, s, forwardMagnitude(m, n, k, a, bt, bias), k, 2, "multTransBAddBias" + shape);
        assertSame(s, s2, "multTransBAddBias" + shape);

        float[] b = random(rnd, k * n, -1, 1); // k x n
        scalar.mult(m, n, k, a, b, e);
        simd.mult(m, n, k, a, b, s);
        simd2.mult(m, n, k, a, b, s2);
        assertReduced(e, s, magnitude(m, n, k, a, false, b, false), k, 2, "mult" + shape);
        assertSame(s, s2, "mult" + shape);

        float[] out = random(rnd, m * n, 0, 1);
        scalar.hiddenDelta(m, n, k, a, b, out, e);
        simd.hiddenDelta(m, n, k, a, b, out, s);
        simd2.hiddenDelta(m, n, k, a, b, out, s2);
        assertReduced(e, s, hiddenMagnitude(m, n, k, a, b, out), k, 2, "hiddenDelta" + shape);
        assertSame(s, s2, "hiddenDelta" + shape);

        float[] at = random(rnd, k * m, -1, 1); // k x m: Delta for Deltaᵀ·X
        float[] c = random(rnd, m * n, -1, 1);
        float[] ce = c.clone(), cs = c.clone(), cs2 = c.clone();
        scalar.multAddTransA(m, n, k, -0.05f, at, b, ce);
        simd.multAddTransA(m, n, k, -0.05f, at, b, cs);
        simd2.multAddTransA(m, n, k, -0.05f, at, b, cs2);
        assertReduced(ce, cs, rankKMagnitude(m, n, k, -0.05, at, b, c), k, 2, "multAddTransA" + shape);
        assertSame(cs, cs2, "multAddTransA" + shape);
    }

    static double[] forwardMagnitude(int m, int n, int k, float[] a, float[] bt, float[] bias) {
        double[] mag = magnitude(m, n, k, a, false, bt, true);
        for (int i = 0; i < m * n; i++) {
            mag[i] += Math.abs(bias[i % n]);
        }
        return mag;
    }

    static double[] hiddenMagnitude(int m, int n, int k, float[] a, float[] b, float[] out) {
        double[] mag = magnitude(m, n, k, a, false, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] *= Math.abs(out[i] * (1.0 - out[i]));
        }
        return mag;
    }

    static double[] rankKMagnitude(int m, int n, int k, double alpha, float[] at, float[] b, float[] c) {
        double[] mag = magnitude(m, n, k, at, true, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] = Math.abs(c[i]) + Math.abs(alpha) * mag[i];
        }
        return mag;
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

    /** Shapes that cross the packed blocks' edges (KC, MC, NC) and the micro-tile's; float tiles are twice as wide. */
    static final int[][] BLOCKED = {{6, 24, 192}, {7, 25, 193}, {96, 48, 64}, {97, 47, 385}, {128, 200, 130},
        {1, 1024, 1023}, {130, 1, 77}, {2, 1000, 2}, {61, 333, 250}, {6, 96, 192}, {97, 97, 385}, {12, 1537, 40},
        {5, 64, 256}, {6, 65, 257}, {11, 641, 513}, {16, 1280, 8}, {128, 650, 300}, {256, 64, 129}};

    @Test
    void productsOnBlockedShapes() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int[] s : BLOCKED) {
            products(rnd, s[0], s[1], s[2]);
        }
    }

    /**
     * Sizes past {@code Tuning.MIN_WORK_PER_THREAD} on two threads (2^22 units of work), so every
     * kernel that splits does split, and must give the same bits as on one thread.
     */
    @Test
    void splitKernelsAreBitIdenticalOnOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(16);
        int n = 4_200_003;
        float[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
        float[] ye = y.clone(), ya = y.clone(), ya2 = y.clone();
        scalar.axpy(n, 0.3f, x, ye);
        simd.axpy(n, 0.3f, x, ya);
        simd2.axpy(n, 0.3f, x, ya2);
        assertReduced(ye, ya, absSum(y, x, 0.3), 1, 2, "axpy n=" + n);
        assertSame(ya, ya2, "axpy n=" + n);
        // rank-1 updates and the fused online step, both orientations
        outerAndOnline(rnd, 1501, 2819);
        outerAndOnline(rnd, 2819, 1501);
        // matrix-vector paths (a batch of one) and the packed GEMM
        products(rnd, 1, 4099, 1031);
        products(rnd, 1, 1031, 4099);
        products(rnd, 61, 333, 250);
        products(rnd, 128, 600, 130);
    }

    // ---------------------------------------------------------------- float scalar against double scalar

    /**
     * The float scalar kernels against the double ones on the same inputs (floats, widened exactly):
     * elementwise within {@value #ULPS} ulp of the double result rounded to float (scale exactly, one
     * rounding either way), reductions of k terms within {@code (k + 4) · ulp(Σ|terms|)}.
     */
    @Test
    void floatScalarAgainstDoubleScalar() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int n : SIZES) {
            float[] net = random(rnd, n, -40, 40);
            float[] f = new float[n];
            double[] d = new double[n];
            scalar.sigmoid(n, net, f);
            scalar64.sigmoid(n, widen(net), d);
            assertUlps(narrow(d), f, n, ULPS, "sigmoid vs double n=" + n);

            float[] out = random(rnd, n, 0, 1), target = random(rnd, n, 0, 1);
            float sf = scalar.outputDelta(n, out, target, f);
            double sd = scalar64.outputDelta(n, widen(out), widen(target), d);
            assertUlps(narrow(d), f, n, ULPS, "outputDelta vs double n=" + n);
            assertReduced(new float[] {(float) sd}, new float[] {sf}, new double[] {sd}, n, 1, "outputDelta sum vs double n=" + n);

            float[] delta = random(rnd, n, -1, 1);
            f = delta.clone();
            d = widen(delta);
            scalar.mulSigmoidDeriv(n, out, f);
            scalar64.mulSigmoidDeriv(n, widen(out), d);
            assertUlps(narrow(d), f, n, ULPS, "mulSigmoidDeriv vs double n=" + n);

            float[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
            f = y.clone();
            d = widen(y);
            scalar.axpy(n, -0.37f, x, f);
            scalar64.axpy(n, -0.37f, widen(x), d);
            assertReduced(narrow(d), f, absSum(y, x, 0.37f), 1, 1, "axpy vs double n=" + n);

            f = x.clone();
            d = widen(x);
            scalar.scale(n, 0.9f, f);
            scalar64.scale(n, 0.9f, d);
            // the double product of two floats is exact, so rounding it to float is the float product
            assertArrayEquals(narrow(d), f, "scale vs double n=" + n);

            for (int m : SMALL) {
                float[] a = random(rnd, m * n, -1, 1), sums = random(rnd, n, -1, 1);
                f = sums.clone();
                d = widen(sums);
                scalar.addColumnSums(m, n, 0.25f, a, f);
                scalar64.addColumnSums(m, n, 0.25f, widen(a), d);
                assertReduced(narrow(d), f, columnMagnitude(m, n, 0.25, a, sums), m, 1, "addColumnSums vs double m=" + m + " n=" + n);
            }
        }
        for (int n : SIZES) {
            for (int m : new int[] {1, 3}) {
                softmaxVsDouble(rnd, m, n);
            }
        }
        for (int size : SIZES) {
            for (int o : SMALL) {
                productsVsDouble(rnd, size, o, 7);
                productsVsDouble(rnd, o, size, 5);
                productsVsDouble(rnd, 3, o, size);
                onlineVsDouble(rnd, o, size);
                onlineVsDouble(rnd, size, o);
            }
        }
        for (int[] s : BLOCKED) {
            productsVsDouble(rnd, s[0], s[1], s[2]);
        }
        CHECKED_VS_DOUBLE.addAll(Set.of("sigmoid", "outputDelta", "mulSigmoidDeriv", "axpy", "scale", "addColumnSums",
                "softmax", "softmaxCrossEntropy", "multTransBAddBias", "mult", "hiddenDelta", "multAddTransA",
                "addOuterProd", "onlineBackward"));
    }

    /**
     * Softmax in float and double. The logits lie on a grid of 2^-10 in [-60, 60], so net - max is
     * exact in float as it is in double: otherwise float's rounding of the argument alone moves
     * exp(net - max) by up to |net - max|·u relative (some 120 u), which is the conditioning of exp
     * in float, not an error of the kernel. Then each probability has an exp, a row sum of n terms,
     * a reciprocal and a product: within (n + 4) ulp of the double one rounded.
     */
    void softmaxVsDouble(SplittableRandom rnd, int m, int n) {
        float[] net = new float[m * n];
        for (int i = 0; i < net.length; i++) {
            net[i] = Math.round(rnd.nextDouble(-60, 60) * 1024) / 1024f;
        }
        float[] target = targets(rnd, m, n);
        String shape = " m=" + m + " n=" + n;
        float[] of = new float[m * n], df = new float[m * n];
        double[] od = new double[m * n], dd = new double[m * n];
        scalar.softmax(m, n, net, of);
        scalar64.softmax(m, n, widen(net), od);
        assertProbabilities(narrow(od), of, n + 4, "softmax vs double" + shape);
        float lf = scalar.softmaxCrossEntropy(m, n, net, target, of, df);
        double ld = scalar64.softmaxCrossEntropy(m, n, widen(net), widen(target), od, dd);
        assertProbabilities(narrow(od), of, n + 4, "softmaxCrossEntropy out vs double" + shape);
        assertEquals(ld, lf, (8.0 + n + m) * Math.ulp((float) lossMagnitude(m, n, net, target)),
                "softmaxCrossEntropy loss vs double" + shape);
        for (int i = 0; i < m * n; i++) {
            assertEquals(dd[i], df[i], (8 + n) * Math.ulp(1f), "softmaxCrossEntropy delta vs double" + shape + " [" + i + "]");
        }
    }

    static void assertProbabilities(float[] expected, float[] actual, int ulps, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = ulps * (double) Math.ulp(expected[i]) + Float.MIN_NORMAL;
            if (!(Math.abs((double) expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: double " + expected[i] + ", float " + actual[i] + " ("
                        + ulps(expected[i], actual[i]) + " ulp, at most " + ulps + ")");
            }
        }
    }

    void productsVsDouble(SplittableRandom rnd, int m, int n, int k) {
        String shape = " vs double m=" + m + " n=" + n + " k=" + k;
        float[] a = random(rnd, m * k, -1, 1), bt = random(rnd, n * k, -1, 1), bias = random(rnd, n, -1, 1);
        float[] f = new float[m * n];
        double[] d = new double[m * n];
        scalar.multTransBAddBias(m, n, k, a, bt, bias, f);
        scalar64.multTransBAddBias(m, n, k, widen(a), widen(bt), widen(bias), d);
        assertReduced(narrow(d), f, forwardMagnitude(m, n, k, a, bt, bias), k, 1, "multTransBAddBias" + shape);

        float[] b = random(rnd, k * n, -1, 1);
        scalar.mult(m, n, k, a, b, f);
        scalar64.mult(m, n, k, widen(a), widen(b), d);
        assertReduced(narrow(d), f, magnitude(m, n, k, a, false, b, false), k, 1, "mult" + shape);

        float[] out = random(rnd, m * n, 0, 1);
        scalar.hiddenDelta(m, n, k, a, b, out, f);
        scalar64.hiddenDelta(m, n, k, widen(a), widen(b), widen(out), d);
        assertReduced(narrow(d), f, hiddenMagnitude(m, n, k, a, b, out), k, 1, "hiddenDelta" + shape);

        float[] at = random(rnd, k * m, -1, 1), c = random(rnd, m * n, -1, 1);
        f = c.clone();
        d = widen(c);
        scalar.multAddTransA(m, n, k, -0.05f, at, b, f);
        scalar64.multAddTransA(m, n, k, -0.05f, widen(at), widen(b), d);
        assertReduced(narrow(d), f, rankKMagnitude(m, n, k, -0.05f, at, b, c), k, 1, "multAddTransA" + shape);
    }

    void onlineVsDouble(SplittableRandom rnd, int rows, int cols) {
        String shape = " vs double " + rows + "x" + cols;
        float[] x = random(rnd, rows, -1, 1), y = random(rnd, cols, 0, 1), w = random(rnd, rows * cols, -1, 1);
        double[] mag = outerMagnitude(rows, cols, 0.1f, x, y, w);
        float[] wf = w.clone();
        double[] wd = widen(w);
        scalar.addOuterProd(rows, cols, -0.1f, x, y, wf);
        scalar64.addOuterProd(rows, cols, -0.1f, widen(x), widen(y), wd);
        assertReduced(narrow(wd), wf, mag, 1, 1, "addOuterProd" + shape);

        wf = w.clone();
        wd = widen(w);
        float[] df = new float[cols];
        double[] dd = new double[cols];
        scalar.onlineBackward(rows, cols, -0.1f, x, y, wf, df);
        scalar64.onlineBackward(rows, cols, -0.1f, widen(x), widen(y), wd, dd);
        assertReduced(narrow(wd), wf, mag, 1, 1, "onlineBackward W" + shape);
        assertReduced(narrow(dd), df, onlineDeltaMagnitude(rows, cols, x, y, w), rows, 1, "onlineBackward delta below" + shape);
    }

    // ---------------------------------------------------------------- against EJML's float operations

    static FMatrixRMaj matrix(SplittableRandom rnd, int rows, int cols) {
        return new FMatrixRMaj(rows, cols, true, random(rnd, rows * cols, -2, 2));
    }

    /** The products and sums, scalar and SIMD, against CommonOps_FDRM: two float computations, 2 · (k + 4) ulp. */
    @Test
    void productsAndSumsAgainstEjml() {
        int[] sizes = {1, 2, 3, 7, 16, 33, 97};
        SplittableRandom rnd = new SplittableRandom(22);
        for (DenseKernelsF32 kernels : new DenseKernelsF32[] {scalar, simd, simd2}) {
            for (int m : sizes) {
                for (int n : sizes) {
                    for (int k : sizes) {
                        againstEjml(kernels, rnd, m, n, k);
                    }
                }
            }
            for (int[] s : BLOCKED) {
                againstEjml(kernels, rnd, s[0], s[1], s[2]);
            }
        }
    }

    void againstEjml(DenseKernelsF32 kernels, SplittableRandom rnd, int m, int n, int k) {
        String shape = " (" + kernels.info() + ") vs EJML m=" + m + " n=" + n + " k=" + k;
        FMatrixRMaj a = matrix(rnd, m, k), bt = matrix(rnd, n, k), bias = matrix(rnd, 1, n);
        FMatrixRMaj expected = new FMatrixRMaj(m, n);
        CommonOps_FDRM.multTransB(a, bt, expected);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                expected.add(i, j, bias.get(j));
            }
        }
        float[] c = new float[m * n];
        Arrays.fill(c, Float.NaN); // overwritten, not accumulated
        kernels.multTransBAddBias(m, n, k, a.data, bt.data, bias.data, c);
        assertReduced(expected.data, c, forwardMagnitude(m, n, k, a.data, bt.data, bias.data), k, 2, "multTransBAddBias" + shape);

        FMatrixRMaj b = matrix(rnd, k, n);
        CommonOps_FDRM.mult(a, b, expected);
        Arrays.fill(c, 1e30f);
        kernels.mult(m, n, k, a.data, b.data, c);
        assertReduced(expected.data, c, magnitude(m, n, k, a.data, false, b.data, false), k, 2, "mult" + shape);

        FMatrixRMaj at = matrix(rnd, k, m), c0 = matrix(rnd, m, n);
        expected = c0.copy();
        CommonOps_FDRM.multAddTransA(-0.37f, at, b, expected);
        c = c0.data.clone();
        kernels.multAddTransA(m, n, k, -0.37f, at.data, b.data, c);
        assertReduced(expected.data, c, rankKMagnitude(m, n, k, -0.37f, at.data, b.data, c0.data), k, 2, "multAddTransA" + shape);

        if (k == 1 || k == 7) { // vectors of m and n, and an m x n matrix
            FMatrixRMaj x = matrix(rnd, m, 1), y = matrix(rnd, n, 1);
            expected = c0.copy();
            VectorVectorMult_FDRM.addOuterProd(-0.1f, x, y, expected);
            c = c0.data.clone();
            kernels.addOuterProd(m, n, -0.1f, x.data, y.data, c);
            assertReduced(expected.data, c, outerMagnitude(m, n, -0.1f, x.data, y.data, c0.data), 1, 2, "addOuterProd" + shape);

            // column sums: alpha · sumCols(A) added to sums
            FMatrixRMaj colSums = CommonOps_FDRM.sumCols(c0, null);
            float[] sums = random(rnd, n, -1, 1);
            float[] want = new float[n];
            for (int j = 0; j < n; j++) {
                want[j] = sums[j] + 0.25f * colSums.data[j];
            }
            float[] got = sums.clone();
            kernels.addColumnSums(m, n, 0.25f, c0.data, got);
            assertReduced(want, got, columnMagnitude(m, n, 0.25, c0.data, sums), m, 2, "addColumnSums" + shape);
        }
    }
}
