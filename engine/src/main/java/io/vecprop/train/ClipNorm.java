package io.vecprop.train;

import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.nn.Workspace;
import io.vecprop.nn.WorkspaceF32;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Gradient clipping by global norm around another optimizer, as PyTorch's
 * {@code clip_grad_norm_(parameters, max_norm)} before {@code optimizer.step()}: the step's gradients
 * (every trained W and b, the frozen biases left out as PyTorch leaves out parameters without a
 * gradient) are multiplied by {@code min(1, maxNorm / (‖g‖ + 1e-6))}, ‖g‖ the L2 norm of all of them
 * together, then the wrapped rule takes its step from them. The gradient is formed in full before the
 * step (the network's {@code backward}), since its norm is known only then. The norm is summed in
 * double, in one fixed order, so it is the same on any number of threads.
 */
final class ClipNorm implements Optimizer {

    /** PyTorch's term added to the norm before dividing. */
    static final double EPS = 1e-6;

    private final Optimizer rule;
    private final double maxNorm;
    /** Whether the rule trains the biases: frozen ones have no gradient and stay out of the norm. */
    private final boolean trainBias;

    /** @param maxNorm positive and finite, as {@link MiniBatchTrainer.Options} checks it */
    ClipNorm(Optimizer rule, double maxNorm, boolean trainBias) {
        this.rule = rule;
        this.maxNorm = maxNorm;
        this.trainBias = trainBias;
    }

    /** The factor gradients of this norm are multiplied by. */
    double coefficient(double norm) {
        return Math.min(1, maxNorm / (norm + EPS));
    }

    @Override
    public double step(Network network, DMatrixRMaj x, DMatrixRMaj target, double learningRate) {
        double loss = network.backward(x, target); // every mean gradient formed, then clipped and applied
        applyGradients(network, learningRate);
        return loss;
    }

    @Override
    public float step(NetworkF32 network, FMatrixRMaj x, FMatrixRMaj target, float learningRate) {
        float loss = network.backward(x, target);
        applyGradients(network, learningRate);
        return loss;
    }

    /** Clips the mean gradients in the network's workspace, then the rule's step from them. */
    @Override
    public void applyGradients(DenseNetwork network, double learningRate) {
        switch (network) {
            case Network n -> {
                Workspace ws = n.workspace();
                double sq = 0;
                for (int l = 0; l < n.layerCount(); l++) {
                    sq += sumOfSquares(ws.gradW(l).data, 0, ws.gradW(l).getNumElements());
                    sq += trainBias ? sumOfSquares(ws.gradB(l).data, 0, ws.gradB(l).getNumElements()) : 0;
                }
                double c = coefficient(Math.sqrt(sq));
                for (int l = 0; l < n.layerCount(); l++) {
                    n.kernels().scale(c, ws.gradW(l));
                    n.kernels().scale(c, ws.gradB(l));
                }
            }
            case NetworkF32 f -> {
                WorkspaceF32 ws = f.workspace();
                double sq = 0;
                for (int l = 0; l < f.layerCount(); l++) {
                    sq += sumOfSquares(ws.gradW(l).data, 0, ws.gradW(l).getNumElements());
                    sq += trainBias ? sumOfSquares(ws.gradB(l).data, 0, ws.gradB(l).getNumElements()) : 0;
                }
                float c = (float) coefficient(Math.sqrt(sq));
                for (int l = 0; l < f.layerCount(); l++) {
                    f.kernels().scale(c, ws.gradW(l));
                    f.kernels().scale(c, ws.gradB(l));
                }
            }
        }
        rule.applyGradients(network, learningRate);
    }

    /**
     * Clips a gradient summed over rows (its mean's norm is the sum's divided by the rows), scaling the
     * sum's values in place, then the rule's step from it.
     */
    @Override
    public void applyGradientSum(DenseNetwork network, GradientSum sum, double learningRate) {
        network.requirePrecision(sum.precision(), "gradient");
        boolean f64 = sum.precision() == io.vecprop.kernels.Precision.F64;
        int[] widths = network.widths();
        double sq = 0;
        int at = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            // layer l's W, then its b (Parameters' layout)
            int n = widths[l] * widths[l + 1] + (trainBias ? widths[l + 1] : 0);
            sq += f64 ? sumOfSquares(sum.f64(), at, n) : sumOfSquares(sum.f32(), at, n);
            at += widths[l] * widths[l + 1] + widths[l + 1];
        }
        double c = coefficient(Math.sqrt(sq) / Math.max(1, sum.rows()));
        if (c < 1) {
            if (f64) {
                double[] v = sum.f64();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= c;
                }
            } else {
                float[] v = sum.f32();
                float cf = (float) c;
                for (int i = 0; i < v.length; i++) {
                    v[i] *= cf;
                }
            }
        }
        rule.applyGradientSum(network, sum, learningRate);
    }

    @Override
    public State state(DenseNetwork network) {
        return rule.state(network);
    }

    @Override
    public void restore(DenseNetwork network, State state) {
        rule.restore(network, state);
    }

    @Override
    public void reset() {
        rule.reset();
    }

    /** Σ a[i]² over [from, from + n), in double, four running sums in a fixed order. */
    static double sumOfSquares(double[] a, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from, end = from + n, bound = from + (n & ~3);
        for (; i < bound; i += 4) {
            s0 = Math.fma(a[i], a[i], s0);
            s1 = Math.fma(a[i + 1], a[i + 1], s1);
            s2 = Math.fma(a[i + 2], a[i + 2], s2);
            s3 = Math.fma(a[i + 3], a[i + 3], s3);
        }
        for (; i < end; i++) {
            s0 = Math.fma(a[i], a[i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** As {@link #sumOfSquares(double[], int, int)}, each float widened exactly. */
    static double sumOfSquares(float[] a, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from, end = from + n, bound = from + (n & ~3);
        for (; i < bound; i += 4) {
            s0 = Math.fma(a[i], (double) a[i], s0);
            s1 = Math.fma(a[i + 1], (double) a[i + 1], s1);
            s2 = Math.fma(a[i + 2], (double) a[i + 2], s2);
            s3 = Math.fma(a[i + 3], (double) a[i + 3], s3);
        }
        for (; i < end; i++) {
            s0 = Math.fma(a[i], (double) a[i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String toString() {
        return rule + ", gradient clipped to norm " + maxNorm;
    }
}
