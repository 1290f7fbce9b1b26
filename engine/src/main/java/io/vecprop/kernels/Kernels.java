package io.vecprop.kernels;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.scalar.ScalarDenseKernels;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * The facade the network calls for arithmetic: it checks matrix shapes, then hands the raw
 * row-major arrays to a {@link DenseKernels} implementation, which checks nothing.
 *
 * <p>Shape errors throw {@link IllegalArgumentException} naming every shape involved. The checks
 * are a handful of integer compares per call and allocate nothing on success.
 */
@GenerateF32
public final class Kernels {

    private static final Kernels SCALAR = new Kernels(ScalarDenseKernels.INSTANCE);

    private final DenseKernels impl;

    private Kernels(DenseKernels impl) {
        this.impl = Objects.requireNonNull(impl, "impl");
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** Kernels backed by the given implementation. */
    public static Kernels of(DenseKernels impl) {
        return impl == ScalarDenseKernels.INSTANCE ? SCALAR : new Kernels(impl);
    }

    /** The implementation behind this facade. */
    public DenseKernels impl() {
        return impl;
    }

    /** What the implementation is: vector width, lanes, threads, sigmoid variant. */
    public KernelInfo info() {
        return impl.info();
    }

    /**
     * {@code net = x · wᵀ + b}: a dense layer's forward product for a batch.
     *
     * @param x N x in, not modified
     * @param w out x in, not modified
     * @param b out values (a vector of any orientation), not modified
     * @param net N x out, overwritten
     */
    public void multTransBAddBias(DMatrixRMaj x, DMatrixRMaj w, DMatrixRMaj b, DMatrixRMaj net) {
        if (x.numCols != w.numCols) {
            throw new IllegalArgumentException("input is " + shape(x) + " but W is " + shape(w)
                    + " (out x in): the input needs " + w.numCols + " columns");
        }
        checkLength("bias", b, w.numRows);
        checkShape("net", net, x.numRows, w.numRows);
        impl.multTransBAddBias(x.numRows, w.numRows, w.numCols, x.data, w.data, b.data, net.data);
    }

    /** {@code out = sigmoid(net)} elementwise; out may be net. */
    public void sigmoid(DMatrixRMaj net, DMatrixRMaj out) {
        checkShape("out", out, net.numRows, net.numCols);
        impl.sigmoid(net.getNumElements(), net.data, out.data);
    }

    /**
     * {@code delta = (out - target) ∘ out ∘ (1 - out)}, the output layer's delta under the
     * half-squared-error loss.
     *
     * @return the sum over all elements of {@code (target - out)²}
     */
    public double outputDelta(DMatrixRMaj out, DMatrixRMaj target, DMatrixRMaj delta) {
        if (target.numRows != out.numRows || target.numCols != out.numCols) {
            throw new IllegalArgumentException("target is " + shape(target) + " but the output is "
                    + shape(out) + ": they must match");
        }
        checkShape("delta", delta, out.numRows, out.numCols);
        return impl.outputDelta(out.getNumElements(), out.data, target.data, delta.data);
    }

    /**
     * The hidden delta through the layer above: {@code delta = (deltaAbove · wAbove) ∘ out ∘ (1 - out)},
     * where out is this layer's output and wAbove the weights above as they are now.
     *
     * @param deltaAbove N x outAbove, not modified
     * @param wAbove outAbove x out, not modified
     * @param out N x out (this layer's sigmoid output), not modified
     * @param delta N x out, overwritten
     */
    public void hiddenDelta(DMatrixRMaj deltaAbove, DMatrixRMaj wAbove, DMatrixRMaj out, DMatrixRMaj delta) {
        if (deltaAbove.numCols != wAbove.numRows) {
            throw new IllegalArgumentException("delta above is " + shape(deltaAbove) + " but W above is "
                    + shape(wAbove) + ": delta needs " + wAbove.numRows + " columns");
        }
        checkShape("out", out, deltaAbove.numRows, wAbove.numCols);
        checkShape("delta", delta, deltaAbove.numRows, wAbove.numCols);
        impl.hiddenDelta(deltaAbove.numRows, wAbove.numCols, wAbove.numRows, deltaAbove.data, wAbove.data,
                out.data, delta.data);
    }

    /**
     * The fused online backward step for a batch of one, reading W once: {@code deltaIn =
     * (Wᵀ · delta) ∘ in ∘ (1 - in)} through the weights before the update, then
     * {@code W += alpha · delta · inᵀ} (alpha = -lr).
     *
     * @param delta this layer's delta, out values, not modified
     * @param in this layer's input (the sigmoid output of the layer below), in values, not modified
     * @param w out x in, modified
     * @param deltaIn the layer below's delta, in values, overwritten
     */
    public void onlineBackward(double alpha, DMatrixRMaj delta, DMatrixRMaj in, DMatrixRMaj w, DMatrixRMaj deltaIn) {
        checkLength("delta", delta, w.numRows);
        checkLength("in", in, w.numCols);
        checkLength("deltaIn", deltaIn, w.numCols);
        // the sigmoid's derivative reads only its output, in; it stands for the net input too
        impl.onlineBackward(Activation.SIGMOID, w.numRows, w.numCols, alpha, delta.data, in.data, in.data, w.data,
                deltaIn.data);
    }

    /**
     * {@code w += alpha · deltaᵀ · x}: the weight gradient summed over a batch (into a zeroed dW),
     * or SGD applied in place with {@code alpha = -lr/N}.
     *
     * @param delta N x out, not modified
     * @param x N x in, not modified
     * @param w out x in, modified
     */
    public void multAddTransA(double alpha, DMatrixRMaj delta, DMatrixRMaj x, DMatrixRMaj w) {
        if (delta.numRows != x.numRows) {
            throw new IllegalArgumentException("delta is " + shape(delta) + " but the input is " + shape(x)
                    + ": both need one row per sample");
        }
        checkShape("W", w, delta.numCols, x.numCols);
        impl.multAddTransA(w.numRows, w.numCols, x.numRows, alpha, delta.data, x.data, w.data);
    }

    /**
     * {@code a += alpha · x · yᵀ}: the online SGD update {@code W -= lr · delta · xᵀ} with
     * {@code alpha = -lr}, without forming dW. x and y are read as flat vectors.
     */
    public void addOuterProd(double alpha, DMatrixRMaj x, DMatrixRMaj y, DMatrixRMaj a) {
        checkLength("x", x, a.numRows);
        checkLength("y", y, a.numCols);
        impl.addOuterProd(a.numRows, a.numCols, alpha, x.data, y.data, a.data);
    }

    /** {@code sums[j] += alpha · (sum over rows i of a[i][j])}; sums is read as a flat vector. */
    public void addColumnSums(double alpha, DMatrixRMaj a, DMatrixRMaj sums) {
        checkLength("sums", sums, a.numCols);
        impl.addColumnSums(a.numRows, a.numCols, alpha, a.data, sums.data);
    }

    /** {@code y += alpha · x} over all elements; both must hold the same number of elements. */
    public void axpy(double alpha, DMatrixRMaj x, DMatrixRMaj y) {
        if (x.getNumElements() != y.getNumElements()) {
            throw new IllegalArgumentException("x is " + shape(x) + " but y is " + shape(y)
                    + ": they must hold as many elements");
        }
        impl.axpy(x.getNumElements(), alpha, x.data, y.data);
    }

    /**
     * One Adam step over all elements of p from its gradient g (times gScale) and moments m and v, as
     * {@link DenseKernels#adam}; all four must hold the same number of elements.
     */
    public void adam(double beta1, double c1, double beta2, double c2, double stepSize, double bc2Sqrt, double eps,
            double decay, double l2, double gScale, DMatrixRMaj g, DMatrixRMaj m, DMatrixRMaj v, DMatrixRMaj p) {
        int n = p.getNumElements();
        if (g.getNumElements() != n || m.getNumElements() != n || v.getNumElements() != n) {
            throw new IllegalArgumentException("p is " + shape(p) + " but g is " + shape(g) + ", m " + shape(m) + " and v "
                    + shape(v) + ": they must hold as many elements");
        }
        impl.adam(n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g.data, m.data, v.data, p.data);
    }

    /**
     * Dropout's mask, as {@link DenseKernels#dropoutMask}: {@code keep} (rows x units) gets scale
     * where the unit is kept and 0 where it is dropped, row r drawn from {@code rowKeys[r]}.
     */
    public void dropoutMask(long[] rowKeys, long threshold, double scale, DMatrixRMaj keep) {
        if (rowKeys.length < keep.numRows) {
            throw new IllegalArgumentException(rowKeys.length + " row keys for a mask of " + shape(keep));
        }
        impl.dropoutMask(keep.numRows, keep.numCols, rowKeys, threshold, scale, keep.data);
    }

    /**
     * {@code c = a ∘ b}, element by element (c may be b): dropout's mask a on a layer's out or delta.
     * All three must hold the same number of elements.
     */
    public void mulElements(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int n = a.getNumElements();
        if (b.getNumElements() != n || c.getNumElements() != n) {
            throw new IllegalArgumentException("a is " + shape(a) + " but b is " + shape(b) + " and c " + shape(c)
                    + ": they must hold as many elements");
        }
        impl.mulElements(n, a.data, b.data, c.data);
    }

    /** {@code x *= alpha} over all elements: the momentum decay {@code v = mu · v}. */
    public void scale(double alpha, DMatrixRMaj x) {
        impl.scale(x.getNumElements(), alpha, x.data);
    }

    /** Row-wise {@code out = softmax(net)}, each row summing to 1; out may be net. */
    public void softmax(DMatrixRMaj net, DMatrixRMaj out) {
        checkShape("out", out, net.numRows, net.numCols);
        impl.softmax(net.numRows, net.numCols, net.data, out.data);
    }

    /**
     * The softmax output layer under the cross-entropy loss, fused: {@code out = softmax(net)}
     * row by row, {@code delta = out - target} (for target rows summing to 1; in general
     * {@code out · sum(target) - target}).
     *
     * @param net N x classes, not modified
     * @param target N x classes, not modified (one-hot labels or probabilities)
     * @param out N x classes, overwritten; must not be net
     * @param delta N x classes, overwritten
     * @return the sum over rows of {@code -Σ target · log(out)}
     */
    public double softmaxCrossEntropy(DMatrixRMaj net, DMatrixRMaj target, DMatrixRMaj out, DMatrixRMaj delta) {
        if (target.numRows != net.numRows || target.numCols != net.numCols) {
            throw new IllegalArgumentException("target is " + shape(target) + " but the output is "
                    + shape(net) + ": they must match");
        }
        checkShape("out", out, net.numRows, net.numCols);
        checkShape("delta", delta, net.numRows, net.numCols);
        if (out.data == net.data) {
            throw new IllegalArgumentException("out must not share its array with net: the loss reads net after out is written");
        }
        return impl.softmaxCrossEntropy(net.numRows, net.numCols, net.data, target.data, out.data, delta.data);
    }

    /**
     * {@code out = f(net)}: elementwise, or row by row for softmax; out may be net.
     */
    public void activate(Activation f, DMatrixRMaj net, DMatrixRMaj out) {
        checkShape("out", out, net.numRows, net.numCols);
        if (f.kind() == Activation.Kind.SOFTMAX) {
            impl.softmax(net.numRows, net.numCols, net.data, out.data);
        } else {
            impl.activate(f, net.getNumElements(), net.data, out.data);
        }
    }

    /**
     * {@code delta ∘= f'(net)} for an elementwise activation, with {@code out = f(net)}: the last
     * step of a hidden delta.
     */
    public void mulActivationDeriv(Activation f, DMatrixRMaj net, DMatrixRMaj out, DMatrixRMaj delta) {
        requireElementwise(f);
        checkShape("out", out, net.numRows, net.numCols);
        checkShape("delta", delta, net.numRows, net.numCols);
        impl.mulActivationDeriv(f, net.getNumElements(), net.data, out.data, delta.data);
    }

    /**
     * The hidden delta through the layer above for any elementwise activation:
     * {@code delta = (deltaAbove · wAbove) ∘ f'(net)}; for the sigmoid, {@link #hiddenDelta}.
     */
    public void hiddenDelta(Activation f, DMatrixRMaj deltaAbove, DMatrixRMaj wAbove, DMatrixRMaj net, DMatrixRMaj out,
            DMatrixRMaj delta) {
        if (f.kind() == Activation.Kind.SIGMOID) {
            hiddenDelta(deltaAbove, wAbove, out, delta);
            return;
        }
        requireElementwise(f);
        if (deltaAbove.numCols != wAbove.numRows) {
            throw new IllegalArgumentException("delta above is " + shape(deltaAbove) + " but W above is "
                    + shape(wAbove) + ": delta needs " + wAbove.numRows + " columns");
        }
        checkShape("net", net, deltaAbove.numRows, wAbove.numCols);
        checkShape("out", out, deltaAbove.numRows, wAbove.numCols);
        checkShape("delta", delta, deltaAbove.numRows, wAbove.numCols);
        impl.mult(deltaAbove.numRows, wAbove.numCols, wAbove.numRows, deltaAbove.data, wAbove.data, delta.data);
        impl.mulActivationDeriv(f, delta.getNumElements(), net.data, out.data, delta.data);
    }

    /**
     * The online backward step for a batch of one below a layer of any elementwise activation f:
     * {@code deltaIn = (Wᵀ · delta) ∘ f'(netIn)} through the weights before the update, then
     * {@code W += alpha · delta · inᵀ}, with in = f(netIn) the layer's input. For the sigmoid the
     * derivative from in alone; the ReLU family and GELU read netIn. Fused like the sigmoid's: one
     * read and one write of W, the derivative over each column block while it is in cache.
     */
    public void onlineBackward(Activation f, double alpha, DMatrixRMaj delta, DMatrixRMaj netIn, DMatrixRMaj in,
            DMatrixRMaj w, DMatrixRMaj deltaIn) {
        requireElementwise(f);
        checkLength("delta", delta, w.numRows);
        checkLength("netIn", netIn, w.numCols);
        checkLength("in", in, w.numCols);
        checkLength("deltaIn", deltaIn, w.numCols);
        impl.onlineBackward(f, w.numRows, w.numCols, alpha, delta.data, netIn.data, in.data, w.data, deltaIn.data);
    }

    /**
     * A squared-error output delta through an elementwise activation:
     * {@code delta = scale · (out - target) ∘ f'(net)}, out already {@code f(net)}.
     *
     * @return the sum over all elements of {@code (out - target)²}
     */
    public double squaredErrorDelta(Activation f, double scale, DMatrixRMaj net, DMatrixRMaj out, DMatrixRMaj target,
            DMatrixRMaj delta) {
        requireElementwise(f);
        checkTargetShape(target, out);
        checkShape("net", net, out.numRows, out.numCols);
        checkShape("delta", delta, out.numRows, out.numCols);
        return impl.squaredErrorDelta(f, out.getNumElements(), scale, net.data, out.data, target.data, delta.data);
    }

    /**
     * Sigmoid outputs under the binary cross-entropy, fused: {@code out = sigmoid(net)},
     * {@code delta = scale · (out - target)}.
     *
     * @return the sum over all elements of {@code -(t·log(out) + (1 - t)·log(1 - out))}
     */
    public double sigmoidBinaryCrossEntropy(double scale, DMatrixRMaj net, DMatrixRMaj target, DMatrixRMaj out,
            DMatrixRMaj delta) {
        checkTargetShape(target, net);
        checkShape("out", out, net.numRows, net.numCols);
        checkShape("delta", delta, net.numRows, net.numCols);
        if (out.data == net.data) {
            throw new IllegalArgumentException("out must not share its array with net: the loss reads net after out is written");
        }
        return impl.sigmoidBinaryCrossEntropy(net.getNumElements(), scale, net.data, target.data, out.data, delta.data);
    }

    private static void requireElementwise(Activation f) {
        if (!f.elementwise()) {
            throw new IllegalArgumentException(f.id() + " is not elementwise: its derivative belongs to the cross-entropy loss");
        }
    }

    private static void checkTargetShape(DMatrixRMaj target, DMatrixRMaj out) {
        if (target.numRows != out.numRows || target.numCols != out.numCols) {
            throw new IllegalArgumentException("target is " + shape(target) + " but the output is "
                    + shape(out) + ": they must match");
        }
    }

    /** {@code rows x cols}, as shapes are written in every message. */
    public static String shape(DMatrixRMaj m) {
        return m.numRows + "x" + m.numCols;
    }

    private static void checkShape(String what, DMatrixRMaj m, int rows, int cols) {
        if (m.numRows != rows || m.numCols != cols) {
            throw new IllegalArgumentException(what + " is " + shape(m) + " but must be " + rows + "x" + cols);
        }
    }

    private static void checkLength(String what, DMatrixRMaj v, int length) {
        if (v.getNumElements() != length || (v.numRows != 1 && v.numCols != 1)) {
            throw new IllegalArgumentException(what + " is " + shape(v) + " but must be a vector of "
                    + length + " values");
        }
    }
}
