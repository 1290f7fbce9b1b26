package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vecprop.GenerateF32;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

//@keep {
/**
 * Every kernel, SIMD against scalar, over sizes 1 to 70, 127, 128, 129, 1000, 1023, 1024 and 4097
 * (so every vector tail and block edge runs), random data from fixed seeds, on one thread and on
 * a pool of {@link #THREADS}, the two bit-identical; and the products and sums against EJML's own
 * operations. The build runs this class at 128, 256 and 512 bits ({@code -Dvecprop.vectorBits}).
 *
 * <p>Written in double: the build generates the float32 twin, {@code TestKernelParityF32}, from
 * the double test, with the float tolerances below and one test of its own, the float scalar
 * kernels against the double ones on the same inputs (floats, widened exactly), the double result
 * rounded to float: the twin computes the same function as its source.
 *
 * <p>Tolerances in double: elementwise kernels within {@value #ULPS} ulp, scale exactly (one
 * correctly rounded product either way); an element of a k-term reduction (products, sums, the
 * bias and alpha steps around them) within {@code 1e-12 · k · Σ|terms|}; softmax probabilities
 * within {@code (8 + n) · 2^-52} of themselves, its loss within {@code 1e-12 · n · (1 + |loss|)},
 * its delta within {@code (8 + n) · 2^-52}.
 *
 * <p>In float, in ulps of float (u = 2^-24 is the unit roundoff, and {@code ulp(x) > u·|x|}):
 * <ul>
 *   <li>elementwise kernels: {@value #ULPS} ulp of the reference value. Each is at most four
 *       roundings in float (sigmoid: exp, 1 + e and the division; the output delta: o - t, two
 *       products and 1 - o), so its relative error is below 4u, under 4 ulps; the SIMD sigmoid's
 *       polynomial exp adds about an ulp, no more than the scalar's rounding of exp to float.
 *   <li>a reduction of k terms: the textbook bound {@code |fl(Σ) - Σ| <= γ(k) · Σ|terms|},
 *       γ(k) ≈ k·u, for each computation, so
 *       <pre>|simd - scalar| <= 2 · (k + 4) · ulp(Σ|terms|)</pre>
 *       (2: two computations, each within the bound; k + 4: the k-term sum and up to four
 *       roundings outside it, alpha·a, the bias or C added last, the sigmoid-derivative factor);
 *       against double, where only the float side errs, {@code (k + 4) · ulp(Σ|terms|)}, the
 *       double result's own rounding to float included in the 4. Σ|terms| is computed in double.
 *   <li>softmax: {@code (8 + n)} ulp of each probability (the exponentials differ by an ulp or two,
 *       the row sum of n terms by n·u relative); its loss within {@code 2 · (8 + n + m)} ulp of the
 *       magnitude of all its terms; its delta within {@code (8 + n)} ulp of 1.
 * </ul>
 */
//@}
@GenerateF32
class TestKernelParity {

    static final int[] SIZES = IntStream.concat(IntStream.rangeClosed(1, 70),
            IntStream.of(127, 128, 129, 1000, 1023, 1024, 4097)).toArray();
    /** Sizes for the two dimensions of a product that are not swept. */
    static final int[] SMALL = {1, 3, 8, 13};
    static final int ULPS = 4;
    /** The threads of the second SIMD pool, on which every kernel gives the bits it gives on one. */
    static final int THREADS = 3; //@f32 static final int THREADS = 2;

    static DenseKernels scalar;
    static DenseKernels simd;
    static DenseKernels simdN;
    //@f32 static DenseKernels scalar64;
    static final Set<String> CHECKED = new TreeSet<>();
    //@f32 static final Set<String> CHECKED_VS_DOUBLE = new TreeSet<>();

    @BeforeAll
    static void kernels() {
        scalar = SimdSupport.scalar(); //@f32 scalar = SimdSupport.scalarF32();
        simd = SimdSupport.simd(1); //@f32 simd = SimdSupport.simdF32(1);
        simdN = SimdSupport.simd(THREADS); //@f32 simdN = SimdSupport.simdF32(THREADS);
        //@f32 scalar64 = SimdSupport.scalar();
        assertEquals("simd", simd.info().name());
        assertEquals(1, simd.info().threads());
        assertEquals(THREADS, simdN.info().threads());
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
        assertAllChecked(declared, CHECKED, "a SIMD parity check");
        //@f32 assertAllChecked(declared, CHECKED_VS_DOUBLE, "a check against double");
    }

    static void assertAllChecked(Set<String> declared, Set<String> checked, String check) {
        if (!checked.containsAll(declared)) {
            Set<String> missing = new TreeSet<>(declared);
            missing.removeAll(checked);
            fail("kernels without " + check + ": " + missing);
        }
    }

    // ---------------------------------------------------------------- helpers

    static double[] random(SplittableRandom rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(lo, hi); //@f32 a[i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    //@f32 {
    // static double[] widen(float[] a) {
    //     double[] d = new double[a.length];
    //     for (int i = 0; i < a.length; i++) {
    //         d[i] = a[i];
    //     }
    //     return d;
    // }
    //
    // static float[] narrow(double[] a) {
    //     float[] f = new float[a.length];
    //     for (int i = 0; i < a.length; i++) {
    //         f[i] = (float) a[i];
    //     }
    //     return f;
    // }
    //@}

    /** How many representable values apart a and b are (0 when they are equal, as 0 and -0 are). */
    static long ulps(double a, double b) {
        return a == b ? 0 : Math.abs(Double.doubleToLongBits(a) - Double.doubleToLongBits(b));
    }

    /** Elementwise: within ulps of the reference, the same sign, NaN where it is NaN. */
    static void assertUlps(double[] expected, double[] actual, int n, int maxUlps, String what) {
        for (int i = 0; i < n; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            long ulps = ulps(e, a);
            if (e != a && (ulps > maxUlps || Math.signum(e) != Math.signum(a))) {
                fail(what + " [" + i + "]: expected " + e + ", got " + a + " (" + ulps + " ulp, at most " + maxUlps + ")");
            }
        }
    }

    static void assertSameBits(double[] a, double[] b, String what) {
        assertTrue(Arrays.equals(a, b), what + " is bit-identical on 1 and " + THREADS + " threads");
    }

    //@keep {
    // ---------------------------------------------------------------- tolerances and magnitudes, in double in both twins

    /**
     * Element i of a k-term reduction agrees within {@link #tolerance} of its magnitude, the sum of
     * the absolute values of its terms.
     */
    static void assertReduced(double[] expected, double[] actual, double[] magnitude, int k, int c, String what) { //@f32 static void assertReduced(float[] expected, float[] actual, double[] magnitude, int k, int c, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertReduced(expected[i], actual[i], magnitude[i], k, c, what + " [" + i + "]");
        }
    }

    static void assertReduced(double expected, double actual, double magnitude, int k, int c, String what) {
        double tol = tolerance(magnitude, k, c);
        if (!(distance(expected, actual) <= tol)) {
            fail(what + ": expected " + expected + ", got " + actual + ", tolerance " + tol + " of the magnitude " + magnitude);
        }
    }

    /**
     * The tolerance of a k-term reduction of this magnitude, computed c times in the working
     * precision (c = 2 for SIMD against scalar, 1 against a double reference): in double
     * {@code 1e-12 · k} of the magnitude, whatever c; in float {@code c · (k + 4)} ulps of it.
     */
    static double tolerance(double magnitude, int k, int c) {
        return 1e-12 * Math.max(1, k) * magnitude + Double.MIN_NORMAL; //@f32 return c * (Math.max(1, k) + 4) * (double) Math.ulp((float) magnitude) + Float.MIN_NORMAL;
    }

    /** |a - b| in double, for float arguments too. */
    static double distance(double a, double b) {
        return Math.abs(a - b);
    }

    /** Σ_p |a(i,p)·b(p,j)| for C = op(A)·op(B), as the reference for a product's rounding. */
    static double[] magnitude(int m, int n, int k, double[] a, boolean transA, double[] b, boolean transB) { //@f32 static double[] magnitude(int m, int n, int k, float[] a, boolean transA, float[] b, boolean transB) {
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
    static double[] absSum(double[] y, double[] x, double alpha) { //@f32 static double[] absSum(float[] y, float[] x, double alpha) {
        double[] m = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            m[i] = Math.abs(y[i]) + Math.abs(alpha) * Math.abs(x[i]);
        }
        return m;
    }

    /** Σ_i |a[i][j]| scaled by |alpha|, plus |sums[j]|: the magnitude of addColumnSums. */
    static double[] columnMagnitude(int m, int n, double alpha, double[] a, double[] sums) { //@f32 static double[] columnMagnitude(int m, int n, double alpha, float[] a, float[] sums) {
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
    static double[] outerMagnitude(int rows, int cols, double alpha, double[] x, double[] y, double[] w) { //@f32 static double[] outerMagnitude(int rows, int cols, double alpha, float[] x, float[] y, float[] w) {
        double[] mag = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mag[i * cols + j] = Math.abs(w[i * cols + j]) + Math.abs(alpha * x[i] * y[j]);
            }
        }
        return mag;
    }

    /** Σ_i |x_i·w_ij| · y_j(1 - y_j): the magnitude of onlineBackward's delta below. */
    static double[] onlineDeltaMagnitude(int rows, int cols, double[] x, double[] y, double[] w) { //@f32 static double[] onlineDeltaMagnitude(int rows, int cols, float[] x, float[] y, float[] w) {
        double[] dmag = magnitude(1, cols, rows, x, false, w, false);
        for (int j = 0; j < cols; j++) {
            dmag[j] *= Math.abs(y[j] * (1.0 - y[j]));
        }
        return dmag;
    }

    /** Σ_p |a(i,p)·bt(j,p)| + |bias_j|: the magnitude of the forward product. */
    static double[] forwardMagnitude(int m, int n, int k, double[] a, double[] bt, double[] bias) { //@f32 static double[] forwardMagnitude(int m, int n, int k, float[] a, float[] bt, float[] bias) {
        double[] mag = magnitude(m, n, k, a, false, bt, true);
        for (int i = 0; i < m * n; i++) {
            mag[i] += Math.abs(bias[i % n]);
        }
        return mag;
    }

    /** The product's magnitude times |out·(1 - out)|: the magnitude of hiddenDelta. */
    static double[] hiddenMagnitude(int m, int n, int k, double[] a, double[] b, double[] out) { //@f32 static double[] hiddenMagnitude(int m, int n, int k, float[] a, float[] b, float[] out) {
        double[] mag = magnitude(m, n, k, a, false, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] *= Math.abs(out[i] * (1.0 - out[i]));
        }
        return mag;
    }

    /** |c| + |alpha|·Σ_p |at(p,i)·b(p,j)|: the magnitude of multAddTransA. */
    static double[] rankKMagnitude(int m, int n, int k, double alpha, double[] at, double[] b, double[] c) { //@f32 static double[] rankKMagnitude(int m, int n, int k, double alpha, float[] at, float[] b, float[] c) {
        double[] mag = magnitude(m, n, k, at, true, b, false);
        for (int i = 0; i < m * n; i++) {
            mag[i] = Math.abs(c[i]) + Math.abs(alpha) * mag[i];
        }
        return mag;
    }
    //@}

    /** One-hot rows (the even ones) or soft targets of sum below 1 (the odd ones), for softmax. */
    static double[] targets(SplittableRandom rnd, int m, int n) {
        double[] target = new double[m * n];
        for (int r = 0; r < m; r++) {
            if (r % 2 == 0) {
                target[r * n + rnd.nextInt(n)] = 1;
            } else {
                for (int j = 0; j < n; j++) {
                    target[r * n + j] = rnd.nextDouble() / n; //@f32 target[r * n + j] = (float) (rnd.nextDouble() / n);
                }
            }
        }
        return target;
    }

    //@f32 {
    // /**
    //  * e^-87: the SIMD exp flushes anything smaller to 0 (documented in SimdDenseKernels; in float the
    //  * flush starts just above the smallest normal, 1.18e-38, where in double e^-708 is 1.5 times it),
    //  * so this, not the smallest normal, is the absolute floor of a SIMD probability's tolerance.
    //  */
    // static final double FLUSHED = Math.exp(-87);
    //@}

    /** Probabilities within (8 + n) ulp-sized steps of the expected ones: exp may differ by an ulp or two, the row sum of n terms in its order. */
    static void assertSoftmax(double[] expected, double[] actual, int n, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = (8 + n) * 0x1p-52 * expected[i] + Double.MIN_NORMAL; //@f32 double tol = (8.0 + n) * Math.ulp(expected[i]) + FLUSHED;
            if (!(distance(expected[i], actual[i]) <= tol)) {
                fail(what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i] + " ("
                        + ulps(expected[i], actual[i]) + " ulp, tolerance " + tol + ")");
            }
        }
    }

    //@f32 {
    // /** Σ over rows and j of |target|·(|max| + |log Σ exp(net - max)| + |net|), plus m: the magnitude of the loss's terms. */
    // static double lossMagnitude(int m, int n, float[] net, float[] target) {
    //     double mag = m;
    //     for (int o = 0; o < m * n; o += n) {
    //         double max = Double.NEGATIVE_INFINITY;
    //         for (int j = o; j < o + n; j++) {
    //             max = Math.max(max, net[j]);
    //         }
    //         double sum = 0;
    //         for (int j = o; j < o + n; j++) {
    //             sum += Math.exp(net[j] - max);
    //         }
    //         double log = Math.log(sum);
    //         for (int j = o; j < o + n; j++) {
    //             mag += Math.abs(target[j]) * (Math.abs(max) + Math.abs(log) + Math.abs(net[j]));
    //         }
    //     }
    //     return mag;
    // }
    //@}

    // ---------------------------------------------------------------- SIMD against scalar

    @Test
    void elementwiseKernels() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : SIZES) {
            double[] net = random(rnd, n, -40, 40);
            double[] e = new double[n], a = new double[n], aN = new double[n];
            scalar.sigmoid(n, net, e);
            simd.sigmoid(n, net, a);
            simdN.sigmoid(n, net, aN);
            assertUlps(e, a, n, ULPS, "sigmoid n=" + n);
            assertSameBits(a, aN, "sigmoid n=" + n);

            double[] out = random(rnd, n, 0, 1), target = random(rnd, n, 0, 1);
            double[] de = new double[n], da = new double[n], daN = new double[n];
            double se = scalar.outputDelta(n, out, target, de);
            double sa = simd.outputDelta(n, out, target, da);
            double saN = simdN.outputDelta(n, out, target, daN);
            assertUlps(de, da, n, ULPS, "outputDelta n=" + n);
            // a sum of n squares: every term is positive, so its magnitude is the sum itself
            assertReduced(se, sa, se, n, 2, "outputDelta sum n=" + n);
            assertSameBits(da, daN, "outputDelta n=" + n);
            assertEquals(Double.doubleToLongBits(sa), Double.doubleToLongBits(saN), "outputDelta sum on 1 and " + THREADS + " threads, n=" + n);

            double[] delta = random(rnd, n, -1, 1);
            double[] me = delta.clone(), ma = delta.clone(), maN = delta.clone();
            scalar.mulSigmoidDeriv(n, out, me);
            simd.mulSigmoidDeriv(n, out, ma);
            simdN.mulSigmoidDeriv(n, out, maN);
            assertUlps(me, ma, n, ULPS, "mulSigmoidDeriv n=" + n);
            assertSameBits(ma, maN, "mulSigmoidDeriv n=" + n);

            double[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
            double[] ye = y.clone(), ya = y.clone(), yaN = y.clone();
            scalar.axpy(n, -0.37, x, ye);
            simd.axpy(n, -0.37, x, ya);
            simdN.axpy(n, -0.37, x, yaN);
            // y + alpha·x: the fused form rounds once where the scalar one rounds twice
            assertReduced(ye, ya, absSum(y, x, 0.37), 1, 2, "axpy n=" + n);
            assertSameBits(ya, yaN, "axpy n=" + n);
        }
        CHECKED.addAll(Set.of("sigmoid", "outputDelta", "mulSigmoidDeriv", "axpy"));
    }

    /** Every elementwise activation: sigmoid, tanh, ReLU, leaky ReLU at two slopes, GELU, linear. */
    static final Activation[] ACTIVATIONS = {Activation.SIGMOID, Activation.TANH, Activation.RELU,
        Activation.LEAKY_RELU, Activation.leakyRelu(0.2), Activation.GELU, Activation.LINEAR};

    /**
     * n values of every magnitude from 1e-4 to 40, of both signs, and some zeros: tanh's two paths
     * (below and above ln2/4), GELU's near 0 and its tails, ReLU's edge.
     */
    static double[] wideNet(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            double v = rnd.nextInt(16) == 0 ? 0.0 : rnd.nextDouble(-4, 4) * Math.pow(10, rnd.nextInt(-4, 2)); //@f32 double v = rnd.nextInt(16) == 0 ? 0.0 : rnd.nextDouble(-4, 4) * Math.pow(10, rnd.nextInt(-4, 2));
            a[i] = v; //@f32 a[i] = (float) v;
        }
        return a;
    }

    /**
     * The activation kernels, SIMD against scalar: each activation within {@value #ULPS} ulp (ReLU,
     * leaky ReLU, linear and the tanh and ReLU derivatives exactly: the same roundings); GELU's
     * derivative, a sum of two terms that cancel near net = -0.75, within 8 ulps of the terms'
     * magnitude times |delta|; the squared-error delta's sum as a reduction of n squares; binary
     * cross-entropy's out within {@value #ULPS} ulp, its delta {@code out - t} within 8 ulps of
     * {@code |out| + |t|}, its loss exactly (the same scalar loop after the sigmoid); one and
     * {@link #THREADS} threads bit-identical.
     */
    @Test
    void activationKernels() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : SIZES) {
            double[] net = wideNet(rnd, n);
            double[] delta = random(rnd, n, -1, 1), target = random(rnd, n, -1, 1);
            for (Activation f : ACTIVATIONS) {
                String what = f + " n=" + n;
                double[] e = new double[n], a = new double[n], aN = new double[n];
                scalar.activate(f, n, net, e);
                simd.activate(f, n, net, a);
                simdN.activate(f, n, net, aN);
                boolean exact = f.kind() != Activation.Kind.SIGMOID && f.kind() != Activation.Kind.TANH
                        && f.kind() != Activation.Kind.GELU;
                if (exact) {
                    assertArrayEquals(e, a, "activate " + what);
                } else if (f.kind() == Activation.Kind.GELU) {
                    assertGelu(e, a, net, "activate " + what);
                } else {
                    assertUlps(e, a, n, ULPS, "activate " + what);
                }
                assertSameBits(a, aN, "activate " + what);

                double[] de = delta.clone(), da = delta.clone(), daN = delta.clone();
                scalar.mulActivationDeriv(f, n, net, e, de);
                simd.mulActivationDeriv(f, n, net, e, da);
                simdN.mulActivationDeriv(f, n, net, e, daN);
                if (f.kind() == Activation.Kind.GELU) {
                    assertReducedUlps(de, da, geluDerivMagnitude(net, delta), geluDerivFlush(net, delta), 8, "mulActivationDeriv " + what);
                } else if (f.kind() == Activation.Kind.SIGMOID) {
                    assertUlps(de, da, n, ULPS, "mulActivationDeriv " + what);
                } else {
                    assertArrayEquals(de, da, "mulActivationDeriv " + what);
                }
                assertSameBits(da, daN, "mulActivationDeriv " + what);

                double[] se = new double[n], sa = new double[n], saN = new double[n];
                double sumE = scalar.squaredErrorDelta(f, n, 0.5, net, e, target, se);
                double sumA = simd.squaredErrorDelta(f, n, 0.5, net, e, target, sa);
                double sumAN = simdN.squaredErrorDelta(f, n, 0.5, net, e, target, saN);
                double[] reference = new double[n];
                for (int i = 0; i < n; i++) {
                    reference[i] = 0.5 * (e[i] - target[i]); //@f32 reference[i] = 0.5f * (e[i] - target[i]);
                }
                scalar.mulActivationDeriv(f, n, net, e, reference);
                assertArrayEquals(reference, se, "squaredErrorDelta is 0.5 (out - t) f'(net) " + what);
                if (f.kind() == Activation.Kind.GELU) {
                    assertReducedUlps(se, sa, geluDerivMagnitude(net, deltaOf(e, target)), geluDerivFlush(net, deltaOf(e, target)), 8,
                            "squaredErrorDelta " + what);
                } else {
                    assertUlps(se, sa, n, ULPS, "squaredErrorDelta " + what);
                }
                assertReduced(sumE, sumA, sumE, n, 2, "squaredErrorDelta sum " + what);
                assertSameBits(sa, saN, "squaredErrorDelta " + what);
                assertEquals(sumA, sumAN, "squaredErrorDelta sum on 1 and " + THREADS + " threads " + what);
            }

            double[] t01 = random(rnd, n, 0, 1);
            double[] oe = new double[n], oa = new double[n], de = new double[n], da = new double[n];
            double le = scalar.sigmoidBinaryCrossEntropy(n, 0.25, net, t01, oe, de);
            double la = simd.sigmoidBinaryCrossEntropy(n, 0.25, net, t01, oa, da);
            assertUlps(oe, oa, n, ULPS, "sigmoidBinaryCrossEntropy out n=" + n);
            double[] mag = new double[n]; //@f32 double[] mag = new double[n];
            for (int i = 0; i < n; i++) {
                mag[i] = 0.25 * (Math.abs(oe[i]) + Math.abs(t01[i]));
            }
            assertReducedUlps(de, da, mag, 8, "sigmoidBinaryCrossEntropy delta n=" + n);
            assertEquals(le, la, "sigmoidBinaryCrossEntropy loss n=" + n);
        }
        CHECKED.addAll(Set.of("activate", "mulActivationDeriv", "squaredErrorDelta", "sigmoidBinaryCrossEntropy"));
    }

    static double[] deltaOf(double[] out, double[] target) {
        double[] d = new double[out.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.5 * (out[i] - target[i]);
        }
        return d;
    }

    /**
     * GELU's values within {@value #ULPS} ulp, except where its sigmoid factor is below a few
     * smallest normals: there the SIMD exp flushes it to 0 (see SimdExp), so the value is at most
     * that times |net|.
     */
    static void assertGelu(double[] expected, double[] actual, double[] net, String what) {
        for (int i = 0; i < expected.length; i++) {
            double flush = 4 * Math.abs(net[i]) * Double.MIN_NORMAL;
            if (Math.abs(expected[i]) < flush) {
                assertTrue(Math.abs(actual[i]) <= flush, what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            } else {
                assertUlps(new double[] {expected[i]}, new double[] {actual[i]}, 1, ULPS, what + " [" + i + "]");
            }
        }
    }

    //@keep {
    /** |delta| · (|s| + |x · 2s(1 - s) · u'|), the magnitude of GELU's derivative's two terms, in double in both twins. */
    static double[] geluDerivMagnitude(double[] net, double[] delta) { //@f32 static double[] geluDerivMagnitude(float[] net, float[] delta) {
        double[] mag = new double[net.length];
        for (int i = 0; i < net.length; i++) {
            double x = net[i];
            double s = 1 / (1 + Math.exp(-2 * Activation.GELU_SCALE * (x + Activation.GELU_CUBIC * x * x * x)));
            double du = Activation.GELU_SCALE * (1 + 3 * Activation.GELU_CUBIC * x * x);
            mag[i] = Math.abs(delta[i]) * (s + Math.abs(x * 2 * s * (1 - s) * du));
        }
        return mag;
    }

    /**
     * What GELU's derivative can lose where the SIMD exp flushes its sigmoid factor s to 0 (below
     * about 4 smallest normals of the precision): {@code |delta| · 4·MIN_NORMAL · (1 + 2|x|·u')}.
     */
    static double[] geluDerivFlush(double[] net, double[] delta) { //@f32 static double[] geluDerivFlush(float[] net, float[] delta) {
        double[] flush = new double[net.length];
        double tiny = 4 * Double.MIN_NORMAL; //@f32 double tiny = 4 * Float.MIN_NORMAL;
        for (int i = 0; i < net.length; i++) {
            double x = net[i];
            double du = Activation.GELU_SCALE * (1 + 3 * Activation.GELU_CUBIC * x * x);
            flush[i] = Math.abs(delta[i]) * tiny * (1 + 2 * Math.abs(x) * du);
        }
        return flush;
    }

    /** Each value within maxUlps ulps (of the working precision) of its magnitude. */
    static void assertReducedUlps(double[] expected, double[] actual, double[] magnitude, int maxUlps, String what) { //@f32 static void assertReducedUlps(float[] expected, float[] actual, double[] magnitude, int maxUlps, String what) {
        assertReducedUlps(expected, actual, magnitude, new double[expected.length], maxUlps, what);
    }

    /** Each value within maxUlps ulps (of the working precision) of its magnitude, plus floor. */
    static void assertReducedUlps(double[] expected, double[] actual, double[] magnitude, double[] floor, int maxUlps, String what) { //@f32 static void assertReducedUlps(float[] expected, float[] actual, double[] magnitude, double[] floor, int maxUlps, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = maxUlps * Math.ulp(magnitude[i]) + Double.MIN_NORMAL + floor[i]; //@f32 double tol = maxUlps * (double) Math.ulp((float) magnitude[i]) + Float.MIN_NORMAL + floor[i];
            if (!(distance(expected[i], actual[i]) <= tol)) {
                fail(what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i] + ", tolerance " + tol);
            }
        }
    }
    //@}

    @Test
    void scaleAndSoftmax() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : SIZES) {
            double[] x = random(rnd, n, -3, 3);
            double[] e = x.clone(), a = x.clone(), aN = x.clone();
            scalar.scale(n, 0.9, e);
            simd.scale(n, 0.9, a);
            simdN.scale(n, 0.9, aN);
            // one correctly rounded product each: the same bits
            assertArrayEquals(e, a, "scale n=" + n);
            assertSameBits(a, aN, "scale n=" + n);
            double[] mask = random(rnd, n, -2, 2);
            double[] me = new double[n], ma = x.clone(), maN = x.clone();
            scalar.mulElements(n, mask, x, me);
            simd.mulElements(n, mask, ma, ma); // in place, as on a delta
            simdN.mulElements(n, mask, maN, maN);
            for (int i = 0; i < n; i++) {
                assertEquals(mask[i] * x[i], me[i], 0, "mulElements scalar n=" + n); // one rounding, the product's
            }
            assertArrayEquals(me, ma, "mulElements n=" + n);
            assertSameBits(ma, maN, "mulElements n=" + n);
        }
        for (int n : SIZES) {
            for (int m : new int[] {1, 3}) {
                // logits spread wide enough that some outputs underflow (e^-87 is flushed in float), and one-hot or soft targets
                double[] net = random(rnd, m * n, -60, 60);
                double[] target = targets(rnd, m, n);
                String shape = " m=" + m + " n=" + n;
                double[] oe = new double[m * n], oa = new double[m * n], oaN = new double[m * n];
                scalar.softmax(m, n, net, oe);
                simd.softmax(m, n, net, oa);
                simdN.softmax(m, n, net, oaN);
                assertSoftmax(oe, oa, n, "softmax" + shape);
                assertSameBits(oa, oaN, "softmax" + shape);
                double[] de = new double[m * n], da = new double[m * n], daN = new double[m * n];
                double le = scalar.softmaxCrossEntropy(m, n, net, target, oe, de);
                double la = simd.softmaxCrossEntropy(m, n, net, target, oa, da);
                double laN = simdN.softmaxCrossEntropy(m, n, net, target, oaN, daN);
                assertSoftmax(oe, oa, n, "softmaxCrossEntropy out" + shape);
                double lossTol = 1e-12 * (1 + Math.abs(le)) * n; //@f32 double lossTol = 2 * (8.0 + n + m) * Math.ulp((float) lossMagnitude(m, n, net, target));
                assertEquals(le, la, lossTol, "softmaxCrossEntropy loss" + shape);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(de[i], da[i], (8 + n) * Math.ulp(1.0), "softmaxCrossEntropy delta" + shape + " [" + i + "]");
                }
                assertEquals(Double.doubleToLongBits(la), Double.doubleToLongBits(laN), "softmaxCrossEntropy loss on 1 and " + THREADS + " threads" + shape);
                assertSameBits(oa, oaN, "softmaxCrossEntropy out" + shape);
                assertSameBits(da, daN, "softmaxCrossEntropy delta" + shape);
            }
        }
        CHECKED.addAll(Set.of("scale", "mulElements", "softmax", "softmaxCrossEntropy"));
    }

    /** Adam's step (Adam's L2 term, then AdamW's decoupled decay): SIMD does the scalar operations in order, so bit for bit. */
    @Test
    void adamStep() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int n : SIZES) {
            double[] g = random(rnd, n, -1, 1), p = random(rnd, n, -1, 1);
            double[] m = random(rnd, n, -0.1, 0.1), v = random(rnd, n, 0, 0.01);
            for (double[] c : new double[][] {{1, 0.01}, {0.999, 0}}) {
                double[] pe = p.clone(), me = m.clone(), ve = v.clone();
                double[] pa = p.clone(), ma = m.clone(), va = v.clone();
                double[] paN = p.clone(), maN = m.clone(), vaN = v.clone();
                scalar.adam(n, 0.9, 0.1, 0.999, 0.001, 0.0123, 0.0447, 1e-8, c[0], c[1], 0.5, g, me, ve, pe);
                simd.adam(n, 0.9, 0.1, 0.999, 0.001, 0.0123, 0.0447, 1e-8, c[0], c[1], 0.5, g, ma, va, pa);
                simdN.adam(n, 0.9, 0.1, 0.999, 0.001, 0.0123, 0.0447, 1e-8, c[0], c[1], 0.5, g, maN, vaN, paN);
                String what = "adam decay " + c[0] + " l2 " + c[1] + " n=" + n;
                assertSameBits(me, ma, what + " m");
                assertSameBits(ve, va, what + " v");
                assertSameBits(pe, pa, what + " p");
                assertSameBits(pa, paN, what + " p, threads");
                assertSameBits(ma, maN, what + " m, threads");
            }
        }
        CHECKED.add("adam");
    }

    /**
     * Dropout's mask: SIMD against scalar bit for bit, on one thread and several, and each unit
     * against the draw as the docs define it, in double: kept when {@code (h >>> 11) · 2^-53 >= rate}
     * (which the kernels test as an integer threshold), for rates at and near the ends of [0, 1).
     */
    @Test
    void dropoutMaskIsTheDraw() {
        SplittableRandom rnd = new SplittableRandom(28);
        for (double rate : new double[] {0, 1e-300, 0x1p-53, 0.1, 0.5, 1 - 0x1p-53}) { //@keep
            long threshold = SplitMix64.keepThreshold(rate);
            for (int units : SIZES) {
                int rows = 3;
                long[] keys = rnd.longs(rows).toArray();
                double[] e = new double[rows * units], s = new double[rows * units], sN = new double[rows * units];
                scalar.dropoutMask(rows, units, keys, threshold, 2.5, e);
                simd.dropoutMask(rows, units, keys, threshold, 2.5, s);
                simdN.dropoutMask(rows, units, keys, threshold, 2.5, sN);
                String what = "dropoutMask rate " + rate + " units " + units;
                assertSameBits(e, s, what + " simd vs scalar");
                assertSameBits(s, sN, what);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < units; j++) {
                        long h = SplitMix64.mix(keys[r] + (j + 1L) * SplitMix64.GOLDEN);
                        boolean kept = (h >>> 11) * 0x1p-53 >= rate; //@keep
                        assertEquals(kept ? 2.5 : 0, e[r * units + j], 0, what + " [" + r + "][" + j + "]");
                    }
                }
            }
        }
        CHECKED.add("dropoutMask");
    }

    //@f32 {
    // /** The float mask drops the units the double one drops, and keeps them at the double scale rounded. */
    // @Test
    // void dropoutMaskAgainstDouble() {
    //     SplittableRandom rnd = new SplittableRandom(29);
    //     long threshold = SplitMix64.keepThreshold(0.3);
    //     long[] keys = rnd.longs(4).toArray();
    //     float[] f = new float[4 * 1000];
    //     double[] d = new double[4 * 1000];
    //     simd.dropoutMask(4, 1000, keys, threshold, (float) (1 / 0.7), f);
    //     scalar64.dropoutMask(4, 1000, keys, threshold, 1 / 0.7, d);
    //     for (int i = 0; i < d.length; i++) {
    //         assertEquals((float) d[i], f[i], 0, "dropoutMask float vs double [" + i + "]");
    //     }
    //     CHECKED_VS_DOUBLE.add("dropoutMask");
    // }
    //@}

    /** Adam on enough parameters to be split over threads (W3's layers are this size): the same bits as one thread. */
    @Test
    void adamSplitOverThreads() {
        int n = (1 << 20) + 13;
        SplittableRandom rnd = new SplittableRandom(25);
        double[] g = random(rnd, n, -1, 1), p = random(rnd, n, -1, 1);
        double[] m = random(rnd, n, -0.1, 0.1), v = random(rnd, n, 0, 0.01);
        double[] pe = p.clone(), me = m.clone(), ve = v.clone();
        scalar.adam(n, 0.9, 0.1, 0.999, 0.001, 0.0123, 0.0447, 1e-8, 0.999, 0.01, 0.5, g, me, ve, pe);
        simdN.adam(n, 0.9, 0.1, 0.999, 0.001, 0.0123, 0.0447, 1e-8, 0.999, 0.01, 0.5, g, m, v, p);
        assertSameBits(me, m, "adam m, threads, n=" + n);
        assertSameBits(ve, v, "adam v, threads, n=" + n);
        assertSameBits(pe, p, "adam p, threads, n=" + n);
    }

    //@f32 {
    // /** The float Adam step against the double one on the same (widened) values. */
    // @Test
    // void adamAgainstDouble() {
    //     SplittableRandom rnd = new SplittableRandom(24);
    //     for (int n : SIZES) {
    //         float[] g = random(rnd, n, -1, 1), p = random(rnd, n, -1, 1), m = random(rnd, n, -0.1f, 0.1f), v = random(rnd, n, 0, 0.01f);
    //         float[] pf = p.clone(), mf = m.clone(), vf = v.clone();
    //         double[] pd = widen(p), md = widen(m), vd = widen(v);
    //         scalar.adam(n, 0.9f, 0.1f, 0.999f, 0.001f, 0.0123f, 0.0447f, 1e-8f, 0.999f, 0.01f, 0.5f, g, mf, vf, pf);
    //         scalar64.adam(n, 0.9f, 0.1f, 0.999f, 0.001f, 0.0123f, 0.0447f, 1e-8f, 0.999f, 0.01f, 0.5f, widen(g), md, vd, pd);
    //         for (int i = 0; i < n; i++) {
    //             // m = 0.9 m + 0.1 g may cancel: its error is the terms' rounding, not its own size's
    //             double gi = Math.abs(0.5f * (double) g[i]) + Math.abs(0.01f * (double) p[i]);
    //             double tolM = 4 * Math.ulp((float) (Math.abs(0.9f * (double) m[i]) + 0.1 * gi)) + Float.MIN_NORMAL;
    //             assertEquals(md[i], mf[i], tolM, "adam m vs double n=" + n);
    //             assertEquals(vd[i], vf[i], 4 * Math.ulp((float) Math.abs(vd[i])) + Float.MIN_NORMAL, "adam v vs double n=" + n);
    //             double step = Math.abs(pd[i] - 0.999f * (double) p[i]);
    //             double denom = Math.sqrt(vd[i]) / 0.0447f + 1e-8f;
    //             assertEquals(pd[i], pf[i], 16 * Math.ulp((float) (Math.abs(pd[i]) + step)) + 0.0123f * tolM / denom
    //                     + Float.MIN_NORMAL, "adam p vs double n=" + n + " [" + i + "]");
    //         }
    //     }
    //     CHECKED_VS_DOUBLE.add("adam");
    // }
    //@}

    @Test
    void columnSums() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : SIZES) {
            for (int m : SMALL) {
                double[] a = random(rnd, m * n, -1, 1);
                double[] sums = random(rnd, n, -1, 1);
                double[] e = sums.clone(), s = sums.clone(), sN = sums.clone();
                scalar.addColumnSums(m, n, 0.25, a, e);
                simd.addColumnSums(m, n, 0.25, a, s);
                simdN.addColumnSums(m, n, 0.25, a, sN);
                assertReduced(e, s, columnMagnitude(m, n, 0.25, a, sums), m, 2, "addColumnSums m=" + m + " n=" + n);
                assertSameBits(s, sN, "addColumnSums m=" + m + " n=" + n);
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
        double[] x = random(rnd, rows, -1, 1), y = random(rnd, cols, 0, 1);
        double[] w = random(rnd, rows * cols, -1, 1);
        double[] mag = outerMagnitude(rows, cols, 0.1, x, y, w); //@keep
        double[] we = w.clone(), wa = w.clone(), waN = w.clone();
        scalar.addOuterProd(rows, cols, -0.1, x, y, we);
        simd.addOuterProd(rows, cols, -0.1, x, y, wa);
        simdN.addOuterProd(rows, cols, -0.1, x, y, waN);
        String what = "addOuterProd " + rows + "x" + cols;
        assertReduced(we, wa, mag, 1, 2, what);
        assertSameBits(wa, waN, what);

        double[] de = new double[cols], da = new double[cols], daN = new double[cols];
        // W again, into the same arrays: at the split test's sizes, in double, the fuzz tests' 256 MB heap holds five
        System.arraycopy(w, 0, we, 0, w.length);
        System.arraycopy(w, 0, wa, 0, w.length);
        System.arraycopy(w, 0, waN, 0, w.length);
        // the sigmoid's derivative reads y alone, which stands for the net input too
        scalar.onlineBackward(Activation.SIGMOID, rows, cols, -0.1, x, y, y, we, de);
        simd.onlineBackward(Activation.SIGMOID, rows, cols, -0.1, x, y, y, wa, da);
        simdN.onlineBackward(Activation.SIGMOID, rows, cols, -0.1, x, y, y, waN, daN);
        what = "onlineBackward " + rows + "x" + cols;
        assertReduced(we, wa, mag, 1, 2, what + " W");
        assertReduced(de, da, onlineDeltaMagnitude(rows, cols, x, y, w), rows, 2, what + " delta below");
        assertSameBits(wa, waN, what + " W");
        assertSameBits(da, daN, what + " delta below");
    }

    /**
     * The fused online step below a layer of every elementwise activation: the delta below
     * against an independent reference (the product Wᵀ·delta by {@code mult}, then
     * {@code mulActivationDeriv}), SIMD against scalar (GELU's derivative within 8 ulps of its
     * terms' magnitude, as in {@link #activationKernels}), and 1 against {@link #THREADS} threads
     * bit-identical, the split cutting the columns where the derivative is applied.
     */
    @Test
    void onlineBackwardThroughEveryActivation() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (Activation f : ACTIVATIONS) {
            for (int cols : SIZES) {
                for (int rows : new int[] {1, 13}) {
                    onlineThrough(f, rnd, rows, cols);
                }
            }
        }
        // softmax has no elementwise derivative: refused before W or the delta below change
        double[] w = random(rnd, 3 * 40, -1, 1), in = random(rnd, 40, 0, 1), d = random(rnd, 3, -1, 1);
        for (DenseKernels k : List.of(scalar, simd)) {
            double[] wk = w.clone(), below = new double[40];
            assertThrows(IllegalArgumentException.class,
                    () -> k.onlineBackward(Activation.SOFTMAX, 3, 40, -0.1, d, in, in, wk, below));
            assertArrayEquals(w, wk, "W after softmax was refused");
            assertArrayEquals(new double[40], below, "delta below after softmax was refused");
        }
    }

    void onlineThrough(Activation f, SplittableRandom rnd, int rows, int cols) {
        String what = "onlineBackward " + f + " " + rows + "x" + cols;
        double[] delta = random(rnd, rows, -1, 1), net = wideNet(rnd, cols), in = new double[cols];
        scalar.activate(f, cols, net, in);
        double[] w = random(rnd, rows * cols, -1, 1);
        double[] ones = new double[cols];
        java.util.Arrays.fill(ones, 1);
        double[] fPrime = ones.clone();
        scalar.mulActivationDeriv(f, cols, net, in, fPrime);
        double[] product = magnitude(1, cols, rows, delta, false, w, false); //@keep
        double[] mag = new double[cols], geluMag = new double[cols], floor = new double[cols]; //@keep
        for (int j = 0; j < cols; j++) {
            mag[j] = product[j] * Math.abs(fPrime[j]);
        }
        double[] reference = new double[cols];
        scalar.mult(1, cols, rows, delta, w, reference);
        scalar.mulActivationDeriv(f, cols, net, in, reference);

        double[] we = w.clone(), wa = w.clone(), waN = w.clone();
        double[] de = new double[cols], da = new double[cols], daN = new double[cols];
        scalar.onlineBackward(f, rows, cols, -0.1, delta, net, in, we, de);
        simd.onlineBackward(f, rows, cols, -0.1, delta, net, in, wa, da);
        simdN.onlineBackward(f, rows, cols, -0.1, delta, net, in, waN, daN);
        assertReduced(reference, de, mag, rows, 2, what + " scalar delta below against mult, then the derivative");
        assertReduced(we, wa, outerMagnitude(rows, cols, 0.1, delta, in, w), 1, 2, what + " W");
        if (f.kind() == Activation.Kind.GELU) {
            double[] terms = geluDerivMagnitude(net, ones), flush = geluDerivFlush(net, ones); //@keep
            for (int j = 0; j < cols; j++) {
                geluMag[j] = product[j] * terms[j];
                floor[j] = product[j] * flush[j] + tolerance(mag[j], rows, 2);
            }
            assertReducedUlps(de, da, geluMag, floor, 8, what + " delta below");
        } else {
            assertReduced(de, da, mag, rows, 2, what + " delta below");
        }
        assertSameBits(wa, waN, what + " W");
        assertSameBits(da, daN, what + " delta below");
    }

    /** Runs every product kernel on one shape and compares, SIMD against scalar and 1 against {@link #THREADS} threads. */
    void products(SplittableRandom rnd, int m, int n, int k) {
        String shape = " m=" + m + " n=" + n + " k=" + k;
        double[] a = random(rnd, m * k, -1, 1);
        double[] bt = random(rnd, n * k, -1, 1); // n x k, the forward's W
        double[] bias = random(rnd, n, -1, 1);
        double[] e = new double[m * n], s = new double[m * n], sN = new double[m * n];
        scalar.multTransBAddBias(m, n, k, a, bt, bias, e);
        simd.multTransBAddBias(m, n, k, a, bt, bias, s);
        simdN.multTransBAddBias(m, n, k, a, bt, bias, sN);
        assertReduced(e, s, forwardMagnitude(m, n, k, a, bt, bias), k, 2, "multTransBAddBias" + shape);
        assertSameBits(s, sN, "multTransBAddBias" + shape);

        double[] b = random(rnd, k * n, -1, 1); // k x n
        scalar.mult(m, n, k, a, b, e);
        simd.mult(m, n, k, a, b, s);
        simdN.mult(m, n, k, a, b, sN);
        assertReduced(e, s, magnitude(m, n, k, a, false, b, false), k, 2, "mult" + shape);
        assertSameBits(s, sN, "mult" + shape);

        double[] out = random(rnd, m * n, 0, 1);
        scalar.hiddenDelta(m, n, k, a, b, out, e);
        simd.hiddenDelta(m, n, k, a, b, out, s);
        simdN.hiddenDelta(m, n, k, a, b, out, sN);
        assertReduced(e, s, hiddenMagnitude(m, n, k, a, b, out), k, 2, "hiddenDelta" + shape);
        assertSameBits(s, sN, "hiddenDelta" + shape);

        double[] at = random(rnd, k * m, -1, 1); // k x m: Delta for Deltaᵀ·X
        double[] c = random(rnd, m * n, -1, 1);
        double[] ce = c.clone(), cs = c.clone(), csN = c.clone();
        scalar.multAddTransA(m, n, k, -0.05, at, b, ce);
        simd.multAddTransA(m, n, k, -0.05, at, b, cs);
        simdN.multAddTransA(m, n, k, -0.05, at, b, csN);
        assertReduced(ce, cs, rankKMagnitude(m, n, k, -0.05, at, b, c), k, 2, "multAddTransA" + shape);
        assertSameBits(cs, csN, "multAddTransA" + shape);
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

    /** Shapes that cross the packed blocks' edges (KC, MC, NC) and the 5 x 4-vector micro-tile's; float's are twice as wide. */
    //@f64 {
    static final int[][] BLOCKED = {{6, 24, 192}, {7, 25, 193}, {96, 48, 64}, {97, 47, 385}, {128, 200, 130},
        {1, 1024, 1023}, {130, 1, 77}, {2, 1000, 2}, {61, 333, 250}, {5, 32, 256}, {6, 33, 257}, {11, 321, 513},
        {16, 640, 8}, {128, 330, 300}, {256, 64, 129}};
    //@} else {
    // static final int[][] BLOCKED = {{6, 24, 192}, {7, 25, 193}, {96, 48, 64}, {97, 47, 385}, {128, 200, 130},
    //     {1, 1024, 1023}, {130, 1, 77}, {2, 1000, 2}, {61, 333, 250}, {6, 96, 192}, {97, 97, 385}, {12, 1537, 40},
    //     {5, 64, 256}, {6, 65, 257}, {11, 641, 513}, {16, 1280, 8}, {128, 650, 300}, {256, 64, 129}};
    //@}

    @Test
    void productsOnBlockedShapes() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int[] s : BLOCKED) {
            products(rnd, s[0], s[1], s[2]);
        }
    }

    /**
     * Sizes past twice {@code Tuning.MIN_WORK_PER_THREAD} (2^22 units of work), so every kernel
     * that splits does split, and must give the same bits as on one thread.
     */
    @Test
    void splitKernelsAreBitIdenticalOnOneAndThreeThreads() { //@f32 void splitKernelsAreBitIdenticalOnOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(16);
        bigAxpy(rnd, 4_200_003);
        // rank-1 updates and the fused online step, both orientations
        outerAndOnline(rnd, 1501, 2819);
        outerAndOnline(rnd, 2819, 1501);
        // matrix-vector paths (a batch of one) and the packed GEMM
        products(rnd, 1, 4099, 1031);
        products(rnd, 1, 1031, 4099);
        products(rnd, 61, 333, 250);
        products(rnd, 128, 600, 130);
    }

    /** axpy on n elements with five arrays of n at most (in double, the fuzz tests' 256 MB heap holds them): y becomes scalar's. */
    void bigAxpy(SplittableRandom rnd, int n) {
        double[] x = random(rnd, n, -1, 1), ye = random(rnd, n, -1, 1);
        double[] ya = ye.clone(), yaN = ye.clone();
        double[] mag = absSum(ye, x, 0.3); //@keep
        scalar.axpy(n, 0.3, x, ye);
        simd.axpy(n, 0.3, x, ya);
        simdN.axpy(n, 0.3, x, yaN);
        assertReduced(ye, ya, mag, 1, 2, "axpy n=" + n);
        assertSameBits(ya, yaN, "axpy n=" + n);
    }

    // ---------------------------------------------------------------- against EJML's own operations

    static DMatrixRMaj matrix(SplittableRandom rnd, int rows, int cols) {
        return new DMatrixRMaj(rows, cols, true, random(rnd, rows * cols, -2, 2));
    }

    /** The products and sums, scalar and SIMD, against EJML's CommonOps_DDRM: two computations, as SIMD against scalar. */
    @Test
    void productsAndSumsAgainstEjml() {
        int[] sizes = {1, 2, 3, 7, 16, 33, 97};
        SplittableRandom rnd = new SplittableRandom(22);
        for (DenseKernels kernels : new DenseKernels[] {scalar, simd, simdN}) {
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

    void againstEjml(DenseKernels kernels, SplittableRandom rnd, int m, int n, int k) {
        String shape = " (" + kernels.info() + ") vs EJML m=" + m + " n=" + n + " k=" + k;
        DMatrixRMaj a = matrix(rnd, m, k), bt = matrix(rnd, n, k), bias = matrix(rnd, 1, n);
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransB(a, bt, expected);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                expected.add(i, j, bias.get(j));
            }
        }
        double[] c = new double[m * n];
        Arrays.fill(c, Double.NaN); // overwritten, not accumulated
        kernels.multTransBAddBias(m, n, k, a.data, bt.data, bias.data, c);
        assertReduced(expected.data, c, forwardMagnitude(m, n, k, a.data, bt.data, bias.data), k, 2, "multTransBAddBias" + shape);

        DMatrixRMaj b = matrix(rnd, k, n);
        CommonOps_DDRM.mult(a, b, expected);
        Arrays.fill(c, 1e30);
        kernels.mult(m, n, k, a.data, b.data, c);
        assertReduced(expected.data, c, magnitude(m, n, k, a.data, false, b.data, false), k, 2, "mult" + shape);

        DMatrixRMaj at = matrix(rnd, k, m), c0 = matrix(rnd, m, n);
        expected = c0.copy();
        CommonOps_DDRM.multAddTransA(-0.37, at, b, expected);
        c = c0.data.clone();
        kernels.multAddTransA(m, n, k, -0.37, at.data, b.data, c);
        assertReduced(expected.data, c, rankKMagnitude(m, n, k, -0.37, at.data, b.data, c0.data), k, 2, "multAddTransA" + shape);

        if (k == 1 || k == 7) { // vectors of m and n, and an m x n matrix
            DMatrixRMaj x = matrix(rnd, m, 1), y = matrix(rnd, n, 1);
            expected = c0.copy();
            VectorVectorMult_DDRM.addOuterProd(-0.1, x, y, expected);
            c = c0.data.clone();
            kernels.addOuterProd(m, n, -0.1, x.data, y.data, c);
            assertReduced(expected.data, c, outerMagnitude(m, n, -0.1, x.data, y.data, c0.data), 1, 2, "addOuterProd" + shape);

            // column sums: alpha · sumCols(A) added to sums
            DMatrixRMaj colSums = CommonOps_DDRM.sumCols(c0, null);
            double[] sums = random(rnd, n, -1, 1);
            double[] want = new double[n];
            for (int j = 0; j < n; j++) {
                want[j] = sums[j] + 0.25 * colSums.data[j];
            }
            double[] got = sums.clone();
            kernels.addColumnSums(m, n, 0.25, c0.data, got);
            assertReduced(want, got, columnMagnitude(m, n, 0.25, c0.data, sums), m, 2, "addColumnSums" + shape);
        }
    }

    //@f32 {
    // /**
    //  * The float activation kernels against the double ones on the same inputs (floats, widened
    //  * exactly). ReLU and linear exactly; leaky ReLU (its float slope rounded), tanh and the
    //  * sigmoid within ULPS of the double result rounded; GELU, whose float
    //  * argument 2u carries a few ulps of its own that the sigmoid's slope turns into |2u| ulps of the
    //  * result, within (8 + 4·|2u|) ulps of the double value's magnitude, its derivative within that of
    //  * its terms' magnitude; the squared-error sum as a reduction of n terms, binary cross-entropy's
    //  * loss as a reduction of 3n.
    //  */
    // @Test
    // void floatActivationsAgainstDouble() {
    //     SplittableRandom rnd = new SplittableRandom(23);
    //     for (int n : SIZES) {
    //         float[] net = wideNet(rnd, n), delta = random(rnd, n, -1, 1), target = random(rnd, n, -1, 1);
    //         double[] wide = widen(net), mag = new double[n], derivMag = geluDerivMagnitude(net, delta);
    //         for (int i = 0; i < n; i++) {
    //             double u2 = 2 * Activation.GELU_SCALE * (wide[i] + Activation.GELU_CUBIC * wide[i] * wide[i] * wide[i]);
    //             mag[i] = (8 + 4 * Math.abs(u2)) / 8;
    //         }
    //         for (Activation f : ACTIVATIONS) {
    //             String what = f + " vs double n=" + n;
    //             float[] o = new float[n];
    //             double[] d = new double[n];
    //             scalar.activate(f, n, net, o);
    //             scalar64.activate(f, n, wide, d);
    //             if (f.kind() == Activation.Kind.GELU) {
    //                 double[] m = new double[n];
    //                 for (int i = 0; i < n; i++) {
    //                     m[i] = mag[i] * Math.abs(d[i]);
    //                 }
    //                 double[] floor = new double[n];
    //                 for (int i = 0; i < n; i++) {
    //                     floor[i] = 4 * Float.MIN_NORMAL * Math.abs(wide[i]);
    //                 }
    //                 assertReducedUlps(narrow(d), o, m, floor, 8, "activate " + what);
    //             } else if (f.kind() != Activation.Kind.RELU && f.kind() != Activation.Kind.LINEAR) {
    //                 assertUlps(narrow(d), o, n, ULPS, "activate " + what);
    //             } else {
    //                 assertArrayEquals(narrow(d), o, "activate " + what);
    //             }
    //             float[] df = delta.clone();
    //             double[] dd = widen(delta);
    //             scalar.mulActivationDeriv(f, n, net, o, df);
    //             scalar64.mulActivationDeriv(f, n, wide, widen(o), dd);
    //             if (f.kind() == Activation.Kind.GELU) {
    //                 double[] m = new double[n];
    //                 for (int i = 0; i < n; i++) {
    //                     m[i] = mag[i] * derivMag[i];
    //                 }
    //                 assertReducedUlps(narrow(dd), df, m, geluDerivFlush(net, delta), 8, "mulActivationDeriv " + what);
    //             } else if (f.kind() == Activation.Kind.TANH) {
    //                 // 1 - out² cancels as out nears ±1: within ULPS of its terms' magnitude |delta|·(1 + out²)
    //                 double[] m = new double[n];
    //                 for (int i = 0; i < n; i++) {
    //                     m[i] = Math.abs(delta[i]) * (1 + (double) o[i] * o[i]);
    //                 }
    //                 assertReducedUlps(narrow(dd), df, m, ULPS, "mulActivationDeriv " + what);
    //             } else {
    //                 // from the float out: the derivative's own roundings only
    //                 assertUlps(narrow(dd), df, n, ULPS, "mulActivationDeriv " + what);
    //             }
    //             float[] sf = new float[n];
    //             double[] sd = new double[n];
    //             float sumF = scalar.squaredErrorDelta(f, n, 1, net, o, target, sf);
    //             double sumD = scalar64.squaredErrorDelta(f, n, 1, wide, widen(o), widen(target), sd);
    //             assertReduced(new float[] {(float) sumD}, new float[] {sumF}, new double[] {sumD}, n, 1, "squaredErrorDelta sum " + what);
    //         }
    //         float[] t01 = random(rnd, n, 0, 1), of = new float[n], df = new float[n];
    //         double[] od = new double[n], dd = new double[n];
    //         float lf = scalar.sigmoidBinaryCrossEntropy(n, 1, net, t01, of, df);
    //         double ld = scalar64.sigmoidBinaryCrossEntropy(n, 1, wide, widen(t01), od, dd);
    //         assertUlps(narrow(od), of, n, ULPS, "sigmoidBinaryCrossEntropy out vs double n=" + n);
    //         double absLoss = 0;
    //         for (int i = 0; i < n; i++) {
    //             absLoss += Math.abs(wide[i]) + 1;
    //         }
    //         assertReduced(new float[] {(float) ld}, new float[] {lf}, new double[] {absLoss}, 3 * n, 1, "sigmoidBinaryCrossEntropy loss vs double n=" + n);
    //     }
    //     CHECKED_VS_DOUBLE.addAll(Set.of("activate", "mulActivationDeriv", "squaredErrorDelta", "sigmoidBinaryCrossEntropy"));
    // }
    //
    //
    // // ---------------------------------------------------------------- float scalar against double scalar
    //
    // /**
    //  * The float scalar kernels against the double ones on the same inputs (floats, widened exactly):
    //  * elementwise within {@value #ULPS} ulp of the double result rounded to float (scale exactly, one
    //  * rounding either way), reductions of k terms within {@code (k + 4) · ulp(Σ|terms|)}.
    //  */
    // @Test
    // void floatScalarAgainstDoubleScalar() {
    //     SplittableRandom rnd = new SplittableRandom(21);
    //     for (int n : SIZES) {
    //         float[] net = random(rnd, n, -40, 40);
    //         float[] f = new float[n];
    //         double[] d = new double[n];
    //         scalar.sigmoid(n, net, f);
    //         scalar64.sigmoid(n, widen(net), d);
    //         assertUlps(narrow(d), f, n, ULPS, "sigmoid vs double n=" + n);
    //
    //         float[] out = random(rnd, n, 0, 1), target = random(rnd, n, 0, 1);
    //         float sf = scalar.outputDelta(n, out, target, f);
    //         double sd = scalar64.outputDelta(n, widen(out), widen(target), d);
    //         assertUlps(narrow(d), f, n, ULPS, "outputDelta vs double n=" + n);
    //         assertReduced(new float[] {(float) sd}, new float[] {sf}, new double[] {sd}, n, 1, "outputDelta sum vs double n=" + n);
    //
    //         float[] delta = random(rnd, n, -1, 1);
    //         f = delta.clone();
    //         d = widen(delta);
    //         scalar.mulSigmoidDeriv(n, out, f);
    //         scalar64.mulSigmoidDeriv(n, widen(out), d);
    //         assertUlps(narrow(d), f, n, ULPS, "mulSigmoidDeriv vs double n=" + n);
    //
    //         float[] x = random(rnd, n, -1, 1), y = random(rnd, n, -1, 1);
    //         f = y.clone();
    //         d = widen(y);
    //         scalar.axpy(n, -0.37f, x, f);
    //         scalar64.axpy(n, -0.37f, widen(x), d);
    //         assertReduced(narrow(d), f, absSum(y, x, 0.37f), 1, 1, "axpy vs double n=" + n);
    //
    //         f = x.clone();
    //         d = widen(x);
    //         scalar.scale(n, 0.9f, f);
    //         scalar64.scale(n, 0.9f, d);
    //         // the double product of two floats is exact, so rounding it to float is the float product
    //         assertArrayEquals(narrow(d), f, "scale vs double n=" + n);
    //
    //         float[] mask = random(rnd, n, -2, 2);
    //         scalar.mulElements(n, mask, x, f);
    //         scalar64.mulElements(n, widen(mask), widen(x), d);
    //         assertArrayEquals(narrow(d), f, "mulElements vs double n=" + n);
    //
    //         for (int m : SMALL) {
    //             float[] a = random(rnd, m * n, -1, 1), sums = random(rnd, n, -1, 1);
    //             f = sums.clone();
    //             d = widen(sums);
    //             scalar.addColumnSums(m, n, 0.25f, a, f);
    //             scalar64.addColumnSums(m, n, 0.25f, widen(a), d);
    //             assertReduced(narrow(d), f, columnMagnitude(m, n, 0.25, a, sums), m, 1, "addColumnSums vs double m=" + m + " n=" + n);
    //         }
    //     }
    //     for (int n : SIZES) {
    //         for (int m : new int[] {1, 3}) {
    //             softmaxVsDouble(rnd, m, n);
    //         }
    //     }
    //     for (int size : SIZES) {
    //         for (int o : SMALL) {
    //             productsVsDouble(rnd, size, o, 7);
    //             productsVsDouble(rnd, o, size, 5);
    //             productsVsDouble(rnd, 3, o, size);
    //             onlineVsDouble(rnd, o, size);
    //             onlineVsDouble(rnd, size, o);
    //         }
    //     }
    //     for (int[] s : BLOCKED) {
    //         productsVsDouble(rnd, s[0], s[1], s[2]);
    //     }
    //     CHECKED_VS_DOUBLE.addAll(Set.of("sigmoid", "outputDelta", "mulSigmoidDeriv", "axpy", "scale", "mulElements", "addColumnSums",
    //             "softmax", "softmaxCrossEntropy", "multTransBAddBias", "mult", "hiddenDelta", "multAddTransA",
    //             "addOuterProd", "onlineBackward"));
    // }
    //
    // /**
    //  * Softmax in float and double. The logits lie on a grid of 2^-10 in [-60, 60], so net - max is
    //  * exact in float as it is in double: otherwise float's rounding of the argument alone moves
    //  * exp(net - max) by up to |net - max|·u relative (some 120 u), which is the conditioning of exp
    //  * in float, not an error of the kernel. Then each probability has an exp, a row sum of n terms,
    //  * a reciprocal and a product: within (n + 4) ulp of the double one rounded.
    //  */
    // void softmaxVsDouble(SplittableRandom rnd, int m, int n) {
    //     float[] net = new float[m * n];
    //     for (int i = 0; i < net.length; i++) {
    //         net[i] = Math.round(rnd.nextDouble(-60, 60) * 1024) / 1024f;
    //     }
    //     float[] target = targets(rnd, m, n);
    //     String shape = " m=" + m + " n=" + n;
    //     float[] of = new float[m * n], df = new float[m * n];
    //     double[] od = new double[m * n], dd = new double[m * n];
    //     scalar.softmax(m, n, net, of);
    //     scalar64.softmax(m, n, widen(net), od);
    //     assertProbabilities(narrow(od), of, n + 4, "softmax vs double" + shape);
    //     float lf = scalar.softmaxCrossEntropy(m, n, net, target, of, df);
    //     double ld = scalar64.softmaxCrossEntropy(m, n, widen(net), widen(target), od, dd);
    //     assertProbabilities(narrow(od), of, n + 4, "softmaxCrossEntropy out vs double" + shape);
    //     assertEquals(ld, lf, (8.0 + n + m) * Math.ulp((float) lossMagnitude(m, n, net, target)),
    //             "softmaxCrossEntropy loss vs double" + shape);
    //     for (int i = 0; i < m * n; i++) {
    //         assertEquals(dd[i], df[i], (8 + n) * Math.ulp(1f), "softmaxCrossEntropy delta vs double" + shape + " [" + i + "]");
    //     }
    // }
    //
    // static void assertProbabilities(float[] expected, float[] actual, int ulps, String what) {
    //     for (int i = 0; i < expected.length; i++) {
    //         double tol = ulps * (double) Math.ulp(expected[i]) + Float.MIN_NORMAL;
    //         if (!(Math.abs((double) expected[i] - actual[i]) <= tol)) {
    //             fail(what + " [" + i + "]: double " + expected[i] + ", float " + actual[i] + " ("
    //                     + ulps(expected[i], actual[i]) + " ulp, at most " + ulps + ")");
    //         }
    //     }
    // }
    //
    // void productsVsDouble(SplittableRandom rnd, int m, int n, int k) {
    //     String shape = " vs double m=" + m + " n=" + n + " k=" + k;
    //     float[] a = random(rnd, m * k, -1, 1), bt = random(rnd, n * k, -1, 1), bias = random(rnd, n, -1, 1);
    //     float[] f = new float[m * n];
    //     double[] d = new double[m * n];
    //     scalar.multTransBAddBias(m, n, k, a, bt, bias, f);
    //     scalar64.multTransBAddBias(m, n, k, widen(a), widen(bt), widen(bias), d);
    //     assertReduced(narrow(d), f, forwardMagnitude(m, n, k, a, bt, bias), k, 1, "multTransBAddBias" + shape);
    //
    //     float[] b = random(rnd, k * n, -1, 1);
    //     scalar.mult(m, n, k, a, b, f);
    //     scalar64.mult(m, n, k, widen(a), widen(b), d);
    //     assertReduced(narrow(d), f, magnitude(m, n, k, a, false, b, false), k, 1, "mult" + shape);
    //
    //     float[] out = random(rnd, m * n, 0, 1);
    //     scalar.hiddenDelta(m, n, k, a, b, out, f);
    //     scalar64.hiddenDelta(m, n, k, widen(a), widen(b), widen(out), d);
    //     assertReduced(narrow(d), f, hiddenMagnitude(m, n, k, a, b, out), k, 1, "hiddenDelta" + shape);
    //
    //     float[] at = random(rnd, k * m, -1, 1), c = random(rnd, m * n, -1, 1);
    //     f = c.clone();
    //     d = widen(c);
    //     scalar.multAddTransA(m, n, k, -0.05f, at, b, f);
    //     scalar64.multAddTransA(m, n, k, -0.05f, widen(at), widen(b), d);
    //     assertReduced(narrow(d), f, rankKMagnitude(m, n, k, -0.05f, at, b, c), k, 1, "multAddTransA" + shape);
    // }
    //
    // void onlineVsDouble(SplittableRandom rnd, int rows, int cols) {
    //     String shape = " vs double " + rows + "x" + cols;
    //     float[] x = random(rnd, rows, -1, 1), y = random(rnd, cols, 0, 1), w = random(rnd, rows * cols, -1, 1);
    //     double[] mag = outerMagnitude(rows, cols, 0.1f, x, y, w);
    //     float[] wf = w.clone();
    //     double[] wd = widen(w);
    //     scalar.addOuterProd(rows, cols, -0.1f, x, y, wf);
    //     scalar64.addOuterProd(rows, cols, -0.1f, widen(x), widen(y), wd);
    //     assertReduced(narrow(wd), wf, mag, 1, 1, "addOuterProd" + shape);
    //
    //     wf = w.clone();
    //     wd = widen(w);
    //     float[] df = new float[cols];
    //     double[] dd = new double[cols];
    //     scalar.onlineBackward(Activation.SIGMOID, rows, cols, -0.1f, x, y, y, wf, df);
    //     scalar64.onlineBackward(Activation.SIGMOID, rows, cols, -0.1f, widen(x), widen(y), widen(y), wd, dd);
    //     assertReduced(narrow(wd), wf, mag, 1, 1, "onlineBackward W" + shape);
    //     assertReduced(narrow(dd), df, onlineDeltaMagnitude(rows, cols, x, y, w), rows, 1, "onlineBackward delta below" + shape);
    // }
    //@}
}
