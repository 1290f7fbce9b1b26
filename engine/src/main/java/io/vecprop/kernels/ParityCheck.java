package io.vecprop.kernels;

import io.vecprop.GenerateF32;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.SplittableRandom;

/**
 * One check of {@link Parity} in double: a kernel of the reference and of the candidate on the same
 * seeded random inputs of one shape, every value they write (and the sum they return) folded into a
 * {@link Parity.Distance}. The float twin draws the same doubles and rounds them, so both precisions
 * check the same operands, as the benchmarks do.
 *
 * <p>The inputs are the benchmarks' ranges (a net in [-10, 10], outputs and targets in [0, 1], weights
 * and deltas in [-1, 1]) with the step sizes of training where the benchmarks' own would hide the
 * arithmetic: the online updates take lr 0.1 ({@code alpha = -0.1}); UpdateBench.rankK and
 * addColumnSums take the SGD step over their rows ({@code W += -0.1/N · Δᵀ·X}, where the
 * benchmark's alpha of -1e-9 leaves a float W unchanged); GemmBench.rankK forms the gradient
 * {@code Δᵀ·X} in a zeroed dW (its benchmark's alpha is 0).
 */
@GenerateF32
final class ParityCheck {

    /** One seed for every check: both implementations, every shape and both precisions draw alike. */
    private static final long SEED = 13;
    /** Loaded by name, as KernelProvider loads the SIMD kernels: this package never links the Vector API. */
    private static final String SIMD_EXP = "io.vecprop.kernels.simd.SimdExp";

    /** A sigmoid over n values: a kernel implementation's, or a SIMD variant's. */
    @FunctionalInterface
    interface Sigmoid {
        void apply(int n, double[] net, double[] out);
    }

    private ParityCheck() {}

    /** The SIMD sigmoid variant {@code poly} or {@code lanewise}, loaded by name. */
    static Sigmoid simdSigmoid(String variant) {
        Method method;
        try {
            method = Class.forName(SIMD_EXP).getMethod(variant.equals("lanewise") ? "sigmoidLanewise" : "sigmoidPoly",
                    int.class, double[].class, double[].class);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the SIMD sigmoid failed to load: " + e, e);
        }
        return (n, net, out) -> invoke(method, n, net, out);
    }

    private static void invoke(Method method, int n, double[] net, double[] out) {
        try {
            method.invoke(null, n, net, out);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the kernel of both implementations on the shape's operands and folds their distance into d. */
    static void run(Parity.Kernel kernel, Parity.Shape s, DenseKernels reference, DenseKernels candidate,
            Sigmoid candidateSigmoid, Parity.Distance d) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int m = s.m(), n = s.n(), k = s.k();
        switch (kernel) {
            case SIGMOID -> sigmoid(rnd, m * n, reference, candidateSigmoid, d);
            case OUTPUT_DELTA -> outputDelta(rnd, m * n, reference, candidate, d);
            case HIDDEN_DELTA -> hiddenDelta(rnd, m, n, k, reference, candidate, d);
            case OUTER_PRODUCT -> outerProduct(rnd, m, n, reference, candidate, d);
            case ONLINE_BACKWARD -> onlineBackward(rnd, m, n, reference, candidate, d);
            case UPDATE_RANK_K -> rankK(rnd, m, n, k, -0.1 / k, random(rnd, m * n, -1.0, 1.0), reference, candidate, d);
            case FORWARD -> forward(rnd, m, n, k, reference, candidate, d);
            case MULT -> mult(rnd, m, n, k, reference, candidate, d);
            case RANK_K -> rankK(rnd, m, n, k, 1.0, new double[m * n], reference, candidate, d);
            case MUL_SIGMOID_DERIV -> mulSigmoidDeriv(rnd, m * n, reference, candidate, d);
            case ADD_COLUMN_SUMS -> addColumnSums(rnd, m, n, reference, candidate, d);
            case AXPY -> axpy(rnd, m * n, reference, candidate, d);
            case SCALE -> scale(rnd, m * n, reference, candidate, d);
            case MUL_ELEMENTS -> mulElements(rnd, m * n, reference, candidate, d);
            case ADAM -> adam(rnd, m * n, reference, candidate, d);
            case DROPOUT_MASK -> dropoutMask(rnd, m, n, reference, candidate, d);
            case SOFTMAX -> softmax(rnd, m, n, reference, candidate, d);
            case SOFTMAX_CROSS_ENTROPY -> softmaxCrossEntropy(rnd, m, n, reference, candidate, d);
            case TANH, RELU, LEAKY_RELU, GELU -> activate(kernel.activation(), rnd, m * n, reference, candidate, d);
            case TANH_DERIV, RELU_DERIV, LEAKY_RELU_DERIV, GELU_DERIV ->
                    mulActivationDeriv(kernel.activation(), rnd, m * n, reference, candidate, d);
            case SQUARED_ERROR_DELTA -> squaredErrorDelta(kernel.activation(), rnd, m * n, reference, candidate, d);
            case BINARY_CROSS_ENTROPY -> binaryCrossEntropy(rnd, m * n, reference, candidate, d);
        }
    }

    /** n values drawn uniformly from [lo, hi) as doubles (the float twin rounds each to float). */
    static double[] random(SplittableRandom rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(lo, hi); //@f32 a[i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    private static void compare(double[] expected, double[] actual, Parity.Distance d) {
        for (int i = 0; i < expected.length; i++) {
            d.add(expected[i], actual[i]);
        }
    }

    private static void sigmoid(SplittableRandom rnd, int n, DenseKernels reference, Sigmoid candidate,
            Parity.Distance d) {
        double[] net = random(rnd, n, -10.0, 10.0);
        double[] expected = new double[n], actual = new double[n];
        reference.sigmoid(n, net, expected);
        candidate.apply(n, net, actual);
        compare(expected, actual, d);
    }

    private static void outputDelta(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] out = random(rnd, n, 0.0, 1.0), target = random(rnd, n, 0.0, 1.0);
        double[] expected = new double[n], actual = new double[n];
        d.add(reference.outputDelta(n, out, target, expected), candidate.outputDelta(n, out, target, actual));
        compare(expected, actual, d);
    }

    private static void hiddenDelta(SplittableRandom rnd, int m, int n, int k, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] deltaAbove = random(rnd, m * k, -1.0, 1.0), w = random(rnd, k * n, -1.0, 1.0);
        double[] out = random(rnd, m * n, 0.0, 1.0);
        double[] expected = new double[m * n], actual = new double[m * n];
        reference.hiddenDelta(m, n, k, deltaAbove, w, out, expected);
        candidate.hiddenDelta(m, n, k, deltaAbove, w, out, actual);
        compare(expected, actual, d);
    }

    private static void outerProduct(SplittableRandom rnd, int m, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] x = random(rnd, m, -1.0, 1.0), y = random(rnd, n, 0.0, 1.0);
        double[] actual = random(rnd, m * n, -1.0, 1.0), expected = actual.clone();
        reference.addOuterProd(m, n, -0.1, x, y, expected);
        candidate.addOuterProd(m, n, -0.1, x, y, actual);
        compare(expected, actual, d);
    }

    private static void onlineBackward(SplittableRandom rnd, int m, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] delta = random(rnd, m, -1.0, 1.0), in = random(rnd, n, 0.0, 1.0);
        double[] actual = random(rnd, m * n, -1.0, 1.0), expected = actual.clone();
        double[] expectedIn = new double[n], actualIn = new double[n];
        // the sigmoid's step, as UpdateBench times it: its derivative reads in, which stands for netIn
        reference.onlineBackward(Activation.SIGMOID, m, n, -0.1, delta, in, in, expected, expectedIn);
        candidate.onlineBackward(Activation.SIGMOID, m, n, -0.1, delta, in, in, actual, actualIn);
        compare(expected, actual, d);
        compare(expectedIn, actualIn, d);
    }

    /** {@code c += alpha · aᵀ · b} with a k x m Delta in [-1, 1] and a k x n X in [0, 1]; c is the candidate's. */
    private static void rankK(SplittableRandom rnd, int m, int n, int k, double alpha, double[] c,
            DenseKernels reference, DenseKernels candidate, Parity.Distance d) {
        double[] a = random(rnd, k * m, -1.0, 1.0), b = random(rnd, k * n, 0.0, 1.0);
        double[] expected = c.clone();
        reference.multAddTransA(m, n, k, alpha, a, b, expected);
        candidate.multAddTransA(m, n, k, alpha, a, b, c);
        compare(expected, c, d);
    }

    private static void forward(SplittableRandom rnd, int m, int n, int k, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] a = random(rnd, m * k, -1.0, 1.0), b = random(rnd, n * k, -1.0, 1.0), bias = random(rnd, n, -1.0, 1.0);
        double[] expected = new double[m * n], actual = new double[m * n];
        reference.multTransBAddBias(m, n, k, a, b, bias, expected);
        candidate.multTransBAddBias(m, n, k, a, b, bias, actual);
        compare(expected, actual, d);
    }

    private static void mult(SplittableRandom rnd, int m, int n, int k, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] a = random(rnd, m * k, -1.0, 1.0), b = random(rnd, k * n, -1.0, 1.0);
        double[] expected = new double[m * n], actual = new double[m * n];
        reference.mult(m, n, k, a, b, expected);
        candidate.mult(m, n, k, a, b, actual);
        compare(expected, actual, d);
    }

    private static void mulSigmoidDeriv(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] out = random(rnd, n, 0.0, 1.0);
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.mulSigmoidDeriv(n, out, expected);
        candidate.mulSigmoidDeriv(n, out, actual);
        compare(expected, actual, d);
    }

    /**
     * The bias step in place, {@code b += -0.1/m · column sums of an m x n delta} (into zeroed sums
     * with alpha 1 both implementations add the same values in the same order, which shows nothing).
     */
    private static void addColumnSums(SplittableRandom rnd, int m, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] a = random(rnd, m * n, -1.0, 1.0);
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.addColumnSums(m, n, -0.1 / m, a, expected);
        candidate.addColumnSums(m, n, -0.1 / m, a, actual);
        compare(expected, actual, d);
    }

    private static void axpy(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] x = random(rnd, n, -1.0, 1.0);
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.axpy(n, -0.1, x, expected);
        candidate.axpy(n, -0.1, x, actual);
        compare(expected, actual, d);
    }

    /** The momentum decay {@code v = 0.9 · v}. */
    private static void scale(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.scale(n, 0.9, expected);
        candidate.scale(n, 0.9, actual);
        compare(expected, actual, d);
    }

    /**
     * Dropout's mask (0 or 1/(1 - 0.3)) on a layer's out, written over it as on a delta. The first
     * and last values are kept, so that a changed vector head or tail is never hidden by a zero.
     */
    private static void mulElements(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] mask = random(rnd, n, 0.0, 1.0);
        for (int i = 0; i < n; i++) {
            mask[i] = mask[i] < 0.3 && i > 0 && i < n - 1 ? 0.0 : 1.0 / (1.0 - 0.3);
        }
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.mulElements(n, mask, expected, expected);
        candidate.mulElements(n, mask, actual, actual);
        compare(expected, actual, d);
    }

    /** An AdamW step (decay 0.999) from moments drawn near their running sizes: the parameters after it. */
    private static void adam(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] g = random(rnd, n, -1.0, 1.0), m = random(rnd, n, -0.1, 0.1), v = random(rnd, n, 0.0, 0.01);
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.adam(n, 0.9, 0.1, 0.999, 0.001, 0.001, 0.0447, 1e-8, 0.999, 0.0, 1.0, g, m.clone(), v.clone(), expected);
        candidate.adam(n, 0.9, 0.1, 0.999, 0.001, 0.001, 0.0447, 1e-8, 0.999, 0.0, 1.0, g, m, v, actual);
        compare(expected, actual, d);
    }

    /**
     * Dropout's mask at rate 0.3 over m rows of n units, from drawn row keys. The first row's key is
     * drawn again until its first unit is kept, and the last row's until its last unit is, so that a
     * changed vector head or tail is never hidden by a zero.
     */
    private static void dropoutMask(SplittableRandom rnd, int m, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        long threshold = SplitMix64.keepThreshold(0.3);
        long[] rowKeys = new long[m];
        for (int r = 0; r < m; r++) {
            rowKeys[r] = rnd.nextLong();
        }
        while (SplitMix64.unitDraw(rowKeys[0], 0) < threshold) {
            rowKeys[0] = rnd.nextLong();
        }
        // with one row, that row must keep both its first unit and its last
        while (SplitMix64.unitDraw(rowKeys[m - 1], n - 1) < threshold
                || SplitMix64.unitDraw(rowKeys[0], 0) < threshold) {
            rowKeys[m - 1] = rnd.nextLong();
        }
        double[] expected = new double[m * n], actual = new double[m * n];
        reference.dropoutMask(m, n, rowKeys, threshold, 1.0 / (1.0 - 0.3), expected);
        candidate.dropoutMask(m, n, rowKeys, threshold, 1.0 / (1.0 - 0.3), actual);
        compare(expected, actual, d);
    }

    private static void softmax(SplittableRandom rnd, int m, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] net = random(rnd, m * n, -10.0, 10.0);
        double[] expected = new double[m * n], actual = new double[m * n];
        reference.softmax(m, n, net, expected);
        candidate.softmax(m, n, net, actual);
        compare(expected, actual, d);
    }

    /** Softmax outputs, deltas and the loss, on one-hot targets (a class drawn per row). */
    private static void softmaxCrossEntropy(SplittableRandom rnd, int m, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] net = random(rnd, m * n, -10.0, 10.0), target = new double[m * n];
        for (int i = 0; i < m; i++) {
            target[i * n + rnd.nextInt(n)] = 1.0;
        }
        double[] expectedOut = new double[m * n], actualOut = new double[m * n];
        double[] expected = new double[m * n], actual = new double[m * n];
        d.add(reference.softmaxCrossEntropy(m, n, net, target, expectedOut, expected),
                candidate.softmaxCrossEntropy(m, n, net, target, actualOut, actual));
        compare(expectedOut, actualOut, d);
        compare(expected, actual, d);
    }

    /**
     * A net in [-10, 10] with its first and last values positive, where ReLU's output and
     * derivative would otherwise be 0 by chance: a change of one value at either end (which
     * TestParity plants) is then visible.
     */
    private static double[] net(SplittableRandom rnd, int n) {
        double[] net = random(rnd, n, -10.0, 10.0);
        net[0] = Math.abs(net[0]);
        net[n - 1] = Math.abs(net[n - 1]);
        return net;
    }

    private static void activate(Activation f, SplittableRandom rnd, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] net = net(rnd, n);
        double[] expected = new double[n], actual = new double[n];
        reference.activate(f, n, net, expected);
        candidate.activate(f, n, net, actual);
        compare(expected, actual, d);
    }

    /** The derivative at a net in [-10, 10] and its output by the reference's activation, on deltas in [-1, 1]. */
    private static void mulActivationDeriv(Activation f, SplittableRandom rnd, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] net = net(rnd, n), out = new double[n];
        reference.activate(f, n, net, out);
        double[] actual = random(rnd, n, -1.0, 1.0), expected = actual.clone();
        reference.mulActivationDeriv(f, n, net, out, expected);
        candidate.mulActivationDeriv(f, n, net, out, actual);
        compare(expected, actual, d);
    }

    /** The mean squared error's delta (scale 2) through f, on targets in [-1, 1]. */
    private static void squaredErrorDelta(Activation f, SplittableRandom rnd, int n, DenseKernels reference,
            DenseKernels candidate, Parity.Distance d) {
        double[] net = net(rnd, n), out = new double[n];
        reference.activate(f, n, net, out);
        double[] target = random(rnd, n, -1.0, 1.0);
        double[] expected = new double[n], actual = new double[n];
        d.add(reference.squaredErrorDelta(f, n, 2.0, net, out, target, expected),
                candidate.squaredErrorDelta(f, n, 2.0, net, out, target, actual));
        compare(expected, actual, d);
    }

    /** Sigmoid outputs, deltas (scale 1) and the loss, on targets in [0, 1]. */
    private static void binaryCrossEntropy(SplittableRandom rnd, int n, DenseKernels reference, DenseKernels candidate,
            Parity.Distance d) {
        double[] net = net(rnd, n), target = random(rnd, n, 0.0, 1.0);
        double[] expectedOut = new double[n], actualOut = new double[n];
        double[] expected = new double[n], actual = new double[n];
        d.add(reference.sigmoidBinaryCrossEntropy(n, 1.0, net, target, expectedOut, expected),
                candidate.sigmoidBinaryCrossEntropy(n, 1.0, net, target, actualOut, actual));
        compare(expectedOut, actualOut, d);
        compare(expected, actual, d);
    }
}
