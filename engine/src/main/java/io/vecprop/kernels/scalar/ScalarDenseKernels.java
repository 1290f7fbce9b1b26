package io.vecprop.kernels.scalar;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.SplitMix64;

/**
 * The reference implementation: plain loops, one accumulator per output element, reduced in
 * ascending index order. Every other implementation is tested against this one.
 */
@GenerateF32
public final class ScalarDenseKernels implements DenseKernels {

    public static final ScalarDenseKernels INSTANCE = new ScalarDenseKernels();

    /** GELU's constants in this precision. */
    public static final double GELU_SCALE = Activation.GELU_SCALE; //@f32 public static final float GELU_SCALE = (float) Activation.GELU_SCALE;
    public static final double GELU_CUBIC = Activation.GELU_CUBIC; //@f32 public static final float GELU_CUBIC = (float) Activation.GELU_CUBIC;

    private ScalarDenseKernels() {}

    @Override
    public KernelInfo info() {
        return new KernelInfo("scalar", 0, 1, 1, "exact");
    }

    @Override
    public void multTransBAddBias(int m, int n, int k, double[] a, double[] b, double[] bias, double[] c) {
        for (int i = 0; i < m; i++) {
            int aRow = i * k;
            int cRow = i * n;
            for (int j = 0; j < n; j++) {
                // net_j = sum_k w_jk * x_k + b_j
                double sum = 0;
                int bRow = j * k;
                for (int p = 0; p < k; p++) {
                    sum += a[aRow + p] * b[bRow + p];
                }
                c[cRow + j] = sum + bias[j];
            }
        }
    }

    @Override
    public void mult(int m, int n, int k, double[] a, double[] b, double[] c) {
        for (int i = 0; i < m; i++) {
            int cRow = i * n;
            java.util.Arrays.fill(c, cRow, cRow + n, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                int bRow = p * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * b[bRow + j];
                }
            }
        }
    }

    @Override
    public void multAddTransA(int m, int n, int k, double alpha, double[] a, double[] b, double[] c) {
        // c += alpha * sum over samples p of a_p (column) times b_p (row): k rank-1 updates in order
        for (int p = 0; p < k; p++) {
            int aRow = p * m;
            int bRow = p * n;
            for (int i = 0; i < m; i++) {
                double s = alpha * a[aRow + i];
                int cRow = i * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += s * b[bRow + j];
                }
            }
        }
    }

    @Override
    public void addOuterProd(int m, int n, double alpha, double[] x, double[] y, double[] a) {
        for (int i = 0; i < m; i++) {
            double s = alpha * x[i];
            int row = i * n;
            for (int j = 0; j < n; j++) {
                a[row + j] += s * y[j];
            }
        }
    }

    @Override
    public void sigmoid(int n, double[] net, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = 1.0 / (1.0 + Math.exp(-net[i]));
        }
    }

    @Override
    public double outputDelta(int n, double[] out, double[] target, double[] delta) {
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double o = out[i];
            double diff = o - target[i];
            sumSq += diff * diff;
            // dE/dnet = dE/dout * dout/dnet = (out - target) * out * (1 - out)
            delta[i] = diff * o * (1.0 - o);
        }
        return sumSq;
    }

    @Override
    public void hiddenDelta(int m, int n, int k, double[] deltaAbove, double[] w, double[] out, double[] delta) {
        mult(m, n, k, deltaAbove, w, delta);
        mulSigmoidDeriv(m * n, out, delta);
    }

    /** What the derivative kernels throw for softmax, whose derivative is taken with its loss. */
    public static IllegalArgumentException softmaxHasNoDerivative() {
        return new IllegalArgumentException("softmax's derivative is the loss's: see softmaxCrossEntropy");
    }

    @Override
    public void onlineBackward(Activation f, int m, int n, double alpha, double[] delta, double[] netIn, double[] in,
            double[] w, double[] deltaIn) {
        if (f.kind() == Activation.Kind.SOFTMAX) { // before W changes: the step is all or nothing
            throw softmaxHasNoDerivative();
        }
        java.util.Arrays.fill(deltaIn, 0, n, 0.0);
        for (int i = 0; i < m; i++) {
            double d = delta[i];
            double s = alpha * d;
            int row = i * n;
            for (int j = 0; j < n; j++) {
                double wij = w[row + j];
                deltaIn[j] += wij * d;      // (Wᵀ·delta)_j with the weight before its update
                w[row + j] = wij + s * in[j]; // W += alpha · delta · inᵀ
            }
        }
        mulActivationDeriv(f, n, netIn, in, deltaIn);
    }

    @Override
    public void mulSigmoidDeriv(int n, double[] out, double[] delta) {
        for (int i = 0; i < n; i++) {
            double o = out[i];
            delta[i] *= o * (1.0 - o);
        }
    }

    @Override
    public void activate(Activation f, int n, double[] net, double[] out) {
        switch (f.kind()) {
            case SIGMOID -> sigmoid(n, net, out);
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.tanh(net[i]);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(net[i], 0.0);
                }
            }
            case LEAKY_RELU -> {
                double s = f.slope(); //@f32 float s = (float) f.slope();
                for (int i = 0; i < n; i++) {
                    double x = net[i];
                    out[i] = x > 0 ? x : s * x;
                }
            }
            case GELU -> {
                for (int i = 0; i < n; i++) {
                    double x = net[i];
                    out[i] = x * geluSigmoid(x);
                }
            }
            case LINEAR -> {
                if (out != net) {
                    System.arraycopy(net, 0, out, 0, n);
                }
            }
            case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise: call softmax, not activate");
        }
    }

    /** GELU's {@code sigmoid(2u)} with {@code u = sqrt(2/π)·(x + 0.044715·x³)}, so that gelu(x) = x times it. */
    public static double geluSigmoid(double x) {
        double u2 = 2 * GELU_SCALE * (x + GELU_CUBIC * x * x * x);
        return 1.0 / (1.0 + Math.exp(-u2));
    }

    /**
     * GELU's derivative from x and {@code s = sigmoid(2u)}:
     * {@code s + x · 2s(1 - s) · sqrt(2/π)·(1 + 3·0.044715·x²)}. Shared with the SIMD kernels' tails.
     */
    public static double geluDeriv(double x, double s) {
        return s + x * (2 * s * (1 - s)) * (GELU_SCALE * (1 + 3 * GELU_CUBIC * x * x));
    }

    @Override
    public void mulActivationDeriv(Activation f, int n, double[] net, double[] out, double[] delta) {
        switch (f.kind()) {
            case SIGMOID -> mulSigmoidDeriv(n, out, delta);
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    double o = out[i];
                    delta[i] *= 1.0 - o * o;
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    delta[i] = net[i] > 0 ? delta[i] : 0.0;
                }
            }
            case LEAKY_RELU -> {
                double s = f.slope(); //@f32 float s = (float) f.slope();
                for (int i = 0; i < n; i++) {
                    delta[i] = net[i] > 0 ? delta[i] : delta[i] * s;
                }
            }
            case GELU -> {
                for (int i = 0; i < n; i++) {
                    double x = net[i];
                    delta[i] *= geluDeriv(x, geluSigmoid(x));
                }
            }
            case LINEAR -> { }
            case SOFTMAX -> throw softmaxHasNoDerivative();
        }
    }

    @Override
    public double squaredErrorDelta(Activation f, int n, double scale, double[] net, double[] out, double[] target,
            double[] delta) {
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double diff = out[i] - target[i];
            sumSq += diff * diff;
            delta[i] = scale * diff; // dE/dout, times f'(net) below
        }
        mulActivationDeriv(f, n, net, out, delta);
        return sumSq;
    }

    @Override
    public double sigmoidBinaryCrossEntropy(int n, double scale, double[] net, double[] target, double[] out,
            double[] delta) {
        sigmoid(n, net, out);
        return binaryCrossEntropyRest(n, scale, net, target, out, delta);
    }

    /**
     * The rest of {@link #sigmoidBinaryCrossEntropy} once out holds the sigmoid: delta and the loss.
     * Shared with the SIMD kernels, which compute the sigmoid in vectors.
     */
    public static double binaryCrossEntropyRest(int n, double scale, double[] net, double[] target, double[] out,
            double[] delta) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double z = net[i], t = target[i];
            // -(t·log σ(z) + (1 - t)·log(1 - σ(z))) = max(z, 0) - z·t + log(1 + e^-|z|)
            loss += Math.max(z, 0.0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            delta[i] = scale * (out[i] - t);
        }
        return loss;
    }

    @Override
    public void addColumnSums(int m, int n, double alpha, double[] a, double[] sums) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += a[i * n + j];
            }
            sums[j] += alpha * sum;
        }
    }

    @Override
    public void axpy(int n, double alpha, double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            y[i] += alpha * x[i];
        }
    }

    @Override
    public void adam(int n, double beta1, double c1, double beta2, double c2, double stepSize, double bc2Sqrt, double eps,
            double decay, double l2, double gScale, double[] g, double[] m, double[] v, double[] p) {
        adamRange(0, n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g, m, v, p);
    }

    /** {@link #adam} over [from, to): the SIMD kernel's tail too, so its values are these. */
    public static void adamRange(int from, int to, double beta1, double c1, double beta2, double c2, double stepSize,
            double bc2Sqrt, double eps, double decay, double l2, double gScale, double[] g, double[] m, double[] v,
            double[] p) {
        for (int i = from; i < to; i++) {
            double gi = gScale * g[i] + l2 * p[i];
            double mi = beta1 * m[i] + c1 * gi;
            double vi = beta2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = decay * p[i] - stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + eps));
        }
    }

    @Override
    public void scale(int n, double alpha, double[] x) {
        for (int i = 0; i < n; i++) {
            x[i] *= alpha;
        }
    }

    @Override
    public void dropoutMask(int rows, int units, long[] rowKeys, long threshold, double scale, double[] keep) {
        for (int r = 0; r < rows; r++) {
            dropoutRow(rowKeys[r], 0, units, threshold, scale, keep, r * units);
        }
    }

    /** Units [from, to) of one row of {@link #dropoutMask}, the row's first unit at {@code keep[at]}: the SIMD kernel's tail too. */
    public static void dropoutRow(long rowKey, int from, int to, long threshold, double scale, double[] keep, int at) {
        for (int j = from; j < to; j++) {
            keep[at + j] = SplitMix64.unitDraw(rowKey, j) >= threshold ? scale : 0;
        }
    }

    @Override
    public void mulElements(int n, double[] a, double[] b, double[] c) {
        for (int i = 0; i < n; i++) {
            c[i] = a[i] * b[i];
        }
    }

    @Override
    public void softmax(int m, int n, double[] net, double[] out) {
        for (int o = 0; o < m * n; o += n) {
            double max = rowMax(n, net, o);
            for (int j = o; j < o + n; j++) {
                out[j] = Math.exp(net[j] - max);
            }
            double inv = 1.0 / rowSum(n, out, o);
            for (int j = o; j < o + n; j++) {
                out[j] *= inv;
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(int m, int n, double[] net, double[] target, double[] out, double[] delta) {
        double loss = 0;
        for (int o = 0; o < m * n; o += n) {
            double max = rowMax(n, net, o);
            for (int j = o; j < o + n; j++) {
                out[j] = Math.exp(net[j] - max);
            }
            loss += crossEntropyRow(n, o, net, target, max, out, delta);
        }
        return loss;
    }

    /**
     * The rest of one row of {@link #softmaxCrossEntropy} once {@code out} holds
     * {@code exp(net - max)}: normalises out, writes delta and returns the row's loss. Shared with
     * the SIMD kernels, which compute the exponentials in vectors.
     */
    public static double crossEntropyRow(int n, int o, double[] net, double[] target, double max, double[] out,
            double[] delta) {
        double sum = rowSum(n, out, o);
        double inv = 1.0 / sum;
        double logSum = max + Math.log(sum); // log of the softmax denominator
        double loss = 0;
        double targetSum = 0;
        for (int j = o; j < o + n; j++) {
            out[j] *= inv;
            targetSum += target[j];
            // -target · log(out) = target · (log sum - net)
            loss += target[j] * (logSum - net[j]);
        }
        // dE/dnet = out · sum(target) - target
        for (int j = o; j < o + n; j++) {
            delta[j] = out[j] * targetSum - target[j];
        }
        return loss;
    }

    /** The sum of a[from .. from+n), in index order. */
    public static double rowSum(int n, double[] a, int from) {
        double sum = 0;
        for (int j = from; j < from + n; j++) {
            sum += a[j];
        }
        return sum;
    }

    /** The largest of a[from .. from+n). */
    public static double rowMax(int n, double[] a, int from) {
        double max = a[from];
        for (int j = from + 1; j < from + n; j++) {
            max = Math.max(max, a[j]);
        }
        return max;
    }
}
