package io.vecprop.kernels;

import io.vecprop.GenerateF32;

/**
 * The hot arithmetic of dense layers, over row-major {@code double[]} arrays.
 *
 * <p>Every loop that touches a whole layer or batch lives behind this interface: the matrix
 * products, the bias add, the activations and their derivatives, the deltas, the outer-product and rank-k
 * updates and the column sums. Implementations get arrays and sizes only, never matrices or
 * layers, and check nothing: {@link Kernels} validates shapes before it calls them.
 *
 * <p>Naming follows EJML: {@code mult} is C = A·B, {@code TransA}/{@code TransB} transpose that
 * operand, {@code Add} accumulates into C. The output comes last and is the only array modified.
 * Each output element is reduced in one fixed order (ascending index), so results do not depend
 * on how work is split later.
 *
 * <p>Matrices are row-major: element (i, j) of an {@code rows x cols} matrix is at
 * {@code i * cols + j}.
 */
@GenerateF32
public interface DenseKernels {

    /** What this implementation is: vector width, lanes, threads, sigmoid variant. */
    KernelInfo info();

    /**
     * Forward product of a layer: {@code c = a · bᵀ + bias}, each row of c getting the bias.
     *
     * @param m rows of a and c (batch size N)
     * @param n rows of b, columns of c (layer outputs)
     * @param k columns of a and b (layer inputs)
     * @param a m x k, not modified (X)
     * @param b n x k, not modified (W)
     * @param bias n values, not modified
     * @param c m x n, overwritten (net)
     */
    void multTransBAddBias(int m, int n, int k, double[] a, double[] b, double[] bias, double[] c);

    /**
     * {@code c = a · b}.
     *
     * @param a m x k, not modified (Delta of the layer above)
     * @param b k x n, not modified (W of the layer above)
     * @param c m x n, overwritten
     */
    void mult(int m, int n, int k, double[] a, double[] b, double[] c);

    /**
     * Rank-k update {@code c += alpha · aᵀ · b}: the weight gradient {@code Deltaᵀ·X}, or with
     * {@code alpha = -lr/N} plain SGD applied in place without forming dW.
     *
     * @param a k x m, not modified (Delta)
     * @param b k x n, not modified (X)
     * @param c m x n, modified (dW or W)
     */
    void multAddTransA(int m, int n, int k, double alpha, double[] a, double[] b, double[] c);

    /**
     * Outer-product update {@code a += alpha · x · yᵀ}, the online SGD step
     * {@code W -= lr · delta · xᵀ} with {@code alpha = -lr}.
     *
     * @param x m values, not modified (delta)
     * @param y n values, not modified (the layer's input)
     * @param a m x n, modified (W)
     */
    void addOuterProd(int m, int n, double alpha, double[] x, double[] y, double[] a);

    /** {@code out[i] = 1 / (1 + exp(-net[i]))} for i below n; out may be net. */
    void sigmoid(int n, double[] net, double[] out);

    /**
     * Output delta of the half-squared-error loss through a sigmoid:
     * {@code delta[i] = (out[i] - target[i]) · out[i] · (1 - out[i])}.
     *
     * @return {@code sum over i of (target[i] - out[i])²}, the loss before halving and averaging
     */
    double outputDelta(int n, double[] out, double[] target, double[] delta);

    /**
     * Hidden delta: {@code delta = (deltaAbove · w) ∘ out ∘ (1 - out)}, in two passes (the
     * product into delta, then the sigmoid's derivative over it).
     *
     * @param m rows (batch size N)
     * @param n this layer's units (columns of w)
     * @param k units of the layer above (rows of w)
     * @param deltaAbove m x k, not modified
     * @param w k x n, the weights above as they were before any update, not modified
     * @param out m x n, this layer's sigmoid output, not modified
     * @param delta m x n, overwritten
     */
    void hiddenDelta(int m, int n, int k, double[] deltaAbove, double[] w, double[] out, double[] delta);

    /**
     * The fused online backward step of one layer for a batch of one, reading W once:
     * {@code deltaIn = (wᵀ · delta) ∘ f'(netIn)} with the weights before the update, and
     * {@code w += alpha · delta · inᵀ}. Here in = f(netIn) is the layer's input, the output of the
     * layer below in the elementwise activation f (for the sigmoid {@code f' = in ∘ (1 - in)}), so
     * deltaIn is that layer's delta. The derivative is taken as {@link #mulActivationDeriv} takes it.
     *
     * @param f the activation of the layer below (elementwise: not softmax)
     * @param m units of this layer (rows of w)
     * @param n inputs of this layer (columns of w)
     * @param delta m values, not modified
     * @param netIn n values, the layer below's net input, not modified (read by the ReLU family and GELU)
     * @param in n values, not modified
     * @param w m x n, modified
     * @param deltaIn n values, overwritten
     */
    void onlineBackward(Activation f, int m, int n, double alpha, double[] delta, double[] netIn, double[] in,
            double[] w, double[] deltaIn);

    /** The sigmoid's derivative from its output, applied in place: {@code delta[i] *= out[i]·(1 - out[i])}. */
    void mulSigmoidDeriv(int n, double[] out, double[] delta);

    /**
     * {@code out[i] = f(net[i])} for i below n, for an elementwise activation f (all but softmax;
     * the sigmoid is {@link #sigmoid}'s, linear a copy); out may be net.
     */
    void activate(Activation f, int n, double[] net, double[] out);

    /**
     * An elementwise activation's derivative applied in place, {@code delta[i] *= f'(net[i])}, from
     * net or from {@code out = f(net)}, whichever the derivative is cheaper from: sigmoid
     * {@code out·(1 - out)}, tanh {@code 1 - out²}, ReLU 1 where {@code net > 0} else 0, leaky ReLU 1
     * or its slope, GELU from net, linear 1 (delta unchanged).
     */
    void mulActivationDeriv(Activation f, int n, double[] net, double[] out, double[] delta);

    /**
     * Output delta of a squared-error loss through an elementwise activation, out already computed:
     * {@code delta[i] = scale · (out[i] - target[i]) · f'(net[i])} (scale 1 for the half-squared
     * error, 2 / outputs for the mean squared error).
     *
     * @return {@code sum over i of (out[i] - target[i])²}
     */
    double squaredErrorDelta(Activation f, int n, double scale, double[] net, double[] out, double[] target,
            double[] delta);

    /**
     * Sigmoid outputs and their binary cross-entropy, fused: {@code out = sigmoid(net)},
     * {@code delta = scale · (out - target)} (dE/dnet, the sigmoid's derivative cancelling the
     * logarithm's), and the loss {@code -(t·log(out) + (1 - t)·log(1 - out))} per value, computed
     * from net as {@code max(net, 0) - net·t + log1p(exp(-|net|))} so it stays finite where out
     * rounds to 0 or 1 (PyTorch's {@code BCEWithLogitsLoss}).
     *
     * @param out n values, overwritten (may not be net)
     * @param delta n values, overwritten
     * @return the sum of the n values' losses
     */
    double sigmoidBinaryCrossEntropy(int n, double scale, double[] net, double[] target, double[] out, double[] delta);

    /**
     * {@code sums[j] += alpha · (sum over rows i of a[i][j])} for an m x n matrix a: the bias
     * gradient (into zeroed sums) or the bias update in place.
     */
    void addColumnSums(int m, int n, double alpha, double[] a, double[] sums);

    /** {@code y[i] += alpha · x[i]} for i below n. */
    void axpy(int n, double alpha, double[] x, double[] y);

    /** {@code x[i] *= alpha} for i below n: the momentum decay {@code v = mu · v}. */
    void scale(int n, double alpha, double[] x);

    /**
     * {@code c[i] = a[i] · b[i]} for i below n, one rounding each; c may be b. Dropout's mask on a
     * layer's out ({@code a} holds 0 or {@code 1/(1 − p)}) and on its delta.
     */
    void mulElements(int n, double[] a, double[] b, double[] c);

    /**
     * Dropout's mask of rows x units: {@code keep[r · units + j] = scale} where unit j of row r is
     * kept, 0 where it is dropped. Unit j of row r is kept when
     * {@code SplitMix64.mix(rowKeys[r] + (j + 1) · GOLDEN) >>> 11} is at least threshold
     * ({@link SplitMix64#keepThreshold}: the 53-bit draw at or above the rate). Each unit's draw
     * depends on its row key and index alone, so any split or width gives the same mask.
     *
     * @param rowKeys at least rows keys, not modified
     */
    void dropoutMask(int rows, int units, long[] rowKeys, long threshold, double scale, double[] keep);

    /**
     * One step of Adam on n parameters, as PyTorch's {@code torch.optim.Adam} and {@code AdamW} compute
     * it: {@code g = gScale · g[i] + l2 · p[i]}, {@code m = beta1 · m + c1 · g},
     * {@code v = beta2 · v + c2 · g · g},
     * {@code p = decay · p − stepSize · m / (sqrt(v) / bc2Sqrt + eps)}; the caller passes
     * {@code stepSize = lr / (1 − beta1^t)}, {@code bc2Sqrt = sqrt(1 − beta2^t)}, and Adam's L2 term
     * ({@code l2} = weight decay, {@code decay} 1) or AdamW's decoupled one ({@code l2} 0,
     * {@code decay = 1 − lr · weight decay}), and {@code c1 = 1 − beta1}, {@code c2 = 1 − beta2} computed
     * as PyTorch does, in double then rounded (in float, {@code 1 − 0.999f} is 4.7e-5 away from
     * {@code (float) (1 − 0.999)}). g is read, m, v and p are updated in place.
     */
    void adam(int n, double beta1, double c1, double beta2, double c2, double stepSize, double bc2Sqrt, double eps, double decay, double l2,
            double gScale, double[] g, double[] m, double[] v, double[] p);

    /**
     * Row-wise softmax: for each of the m rows of n values,
     * {@code out[j] = exp(net[j] - max) / sum over the row of exp(net - max)}; out may be net.
     */
    void softmax(int m, int n, double[] net, double[] out);

    /**
     * Softmax output and its cross-entropy loss, fused: per row, {@code out = softmax(net)},
     * {@code delta = out · sum(target) - target} (dE/dnet; {@code out - target} for a target row
     * that sums to 1, such as a one-hot label), and the row's loss
     * {@code -sum over j of target[j] · log(out[j])}, computed as
     * {@code target[j] · (max + log(sum of exp(net - max)) - net[j])} so it stays finite when an
     * output underflows to 0.
     *
     * @param net m x n, not modified
     * @param target m x n, not modified
     * @param out m x n, overwritten (may not be net)
     * @param delta m x n, overwritten
     * @return the sum of the rows' losses
     */
    double softmaxCrossEntropy(int m, int n, double[] net, double[] target, double[] out, double[] delta);
}
