package io.vecprop.train;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.DenseLayer;
import io.vecprop.nn.LayerUpdate;
import io.vecprop.nn.Network;
import io.vecprop.nn.Parameters;
import io.vecprop.nn.Workspace;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * {@link Sgd}'s state and arithmetic for one double network; its float twin is generated from this
 * file. The velocities v of dW and db are allocated here, once, when the momentum is not zero; a
 * gradient buffer per layer for Nesterov's step, which needs the gradient besides the velocity; the
 * buffers a gradient sum is unpacked into, on the first sum.
 *
 * <p>Each matrix P (weights, then biases) moves as PyTorch's SGD moves it, with its gradient
 * {@code g = dP + wd · P}: plain {@code P -= lr · g}; momentum {@code v = mu · v + g},
 * {@code P -= lr · v}; Nesterov {@code v = mu · v + g}, {@code P -= lr · (g + mu · v)}.
 */
@GenerateF32
final class SgdState implements LayerUpdate, OptimizerState {

    private final Network network;
    private final Kernels kernels;
    private final double mu;
    private final boolean nesterov;
    private final double wd;
    private final boolean trainBias;
    /** Momentum's velocities (the running sums v of dW and db), null for plain SGD. */
    private final DMatrixRMaj[] velocityW;
    private final DMatrixRMaj[] velocityB;
    /** Nesterov's gradients of the step in progress, null for the other rules. */
    private final DMatrixRMaj[] gradW;
    private final DMatrixRMaj[] gradB;
    /** A gradient sum unpacked per layer, allocated on the first {@link #applySum}. */
    private DMatrixRMaj[] sumW;
    private DMatrixRMaj[] sumB;
    /** The learning rate and 1/N of the step in progress, for {@link #weights} and {@link #bias}. */
    private double lr;
    private double invN;

    SgdState(Network network, double mu, boolean nesterov, double wd, boolean trainBias) {
        this.network = network;
        this.kernels = network.kernels();
        this.mu = mu;
        this.nesterov = nesterov;
        this.wd = wd;
        this.trainBias = trainBias;
        this.velocityW = mu == 0 ? null : zeros(network, false);
        this.velocityB = mu == 0 ? null : zeros(network, true);
        this.gradW = nesterov ? zeros(network, false) : null;
        this.gradB = nesterov ? zeros(network, true) : null;
    }

    /** Zero matrices shaped as each layer's weights (out x in), or its biases (out x 1). */
    static DMatrixRMaj[] zeros(Network network, boolean bias) {
        DMatrixRMaj[] m = new DMatrixRMaj[network.layerCount()];
        for (int l = 0; l < m.length; l++) {
            DenseLayer layer = network.layer(l);
            m[l] = new DMatrixRMaj(layer.outputs(), bias ? 1 : layer.inputs());
        }
        return m;
    }

    @Override
    public SgdState of(Network network) {
        if (network != this.network) {
            throw new IllegalStateException("an optimizer keeps the state of one network: make one per network");
        }
        return this;
    }

    /** One step on a batch; the loss before it. */
    @Override
    public double step(DMatrixRMaj x, DMatrixRMaj target, double lr) {
        if (mu == 0 && wd == 0) {
            return network.trainStep(x, target, lr, trainBias);
        }
        this.lr = lr;
        this.invN = 1.0 / x.numRows;
        return network.step(x, target, this);
    }

    @Override
    public void weights(int l, DMatrixRMaj w, DMatrixRMaj delta, DMatrixRMaj in) {
        if (nesterov) {
            // g = dW = deltaᵀ · in / N, formed: Nesterov's step reads it besides v
            gradW[l].zero();
            kernels.multAddTransA(invN, delta, in, gradW[l]);
            move(w, velocityW[l], gradW[l], 1);
        } else if (mu == 0) {
            // W -= lr · (dW + wd · W), as (1 − lr · wd) · W then the rank-N update
            kernels.scale(1 - lr * wd, w);
            kernels.multAddTransA(-lr * invN, delta, in, w);
        } else {
            // v = mu · v + dW + wd · W with dW = deltaᵀ · in / N, folded into v; W -= lr · v
            kernels.scale(mu, velocityW[l]);
            kernels.multAddTransA(invN, delta, in, velocityW[l]);
            if (wd != 0) {
                kernels.axpy(wd, w, velocityW[l]);
            }
            kernels.axpy(-lr, velocityW[l], w);
        }
    }

    @Override
    public boolean bias(int l, DMatrixRMaj b, DMatrixRMaj delta) {
        if (!trainBias) {
            return false;
        }
        if (nesterov) {
            gradB[l].zero();
            kernels.addColumnSums(invN, delta, gradB[l]);
            move(b, velocityB[l], gradB[l], 1);
        } else if (mu == 0) {
            kernels.scale(1 - lr * wd, b);
            kernels.addColumnSums(-lr * invN, delta, b);
        } else {
            kernels.scale(mu, velocityB[l]);
            kernels.addColumnSums(invN, delta, velocityB[l]);
            if (wd != 0) {
                kernels.axpy(wd, b, velocityB[l]);
            }
            kernels.axpy(-lr, velocityB[l], b);
        }
        return true;
    }

    /** One step from the mean gradients the network's last backward left in its workspace. Allocates nothing. */
    @Override
    public void applyMeans(double lr) {
        this.lr = lr;
        Workspace ws = network.workspace();
        for (int l = 0; l < network.layerCount(); l++) {
            descend(l, ws.gradW(l), ws.gradB(l), 1);
        }
    }

    /** One step from a gradient summed over rows, laid out as {@link Parameters}. Allocates nothing after the first call. */
    @Override
    public void applySum(double[] sum, int rows, double lr) {
        Parameters.checkLength(sum.length, network.parameterCount(), "gradient");
        if (rows < 1) {
            throw new IllegalArgumentException("a gradient sum over " + rows + " rows");
        }
        this.lr = lr;
        int layers = network.layerCount();
        if (sumW == null) {
            sumW = zeros(network, false);
            sumB = zeros(network, true);
        }
        int at = 0;
        for (int l = 0; l < layers; l++) {
            at = Parameters.unflatten(sum, at, sumW[l]);
            at = Parameters.unflatten(sum, at, sumB[l]);
            descend(l, sumW[l], sumB[l], rows);
        }
    }

    /** Layer l's step from its gradients summed over rows (rows 1: the means). */
    private void descend(int l, DMatrixRMaj gradW, DMatrixRMaj gradB, int rows) {
        DenseLayer layer = network.layer(l);
        move(layer.weights(), velocityW == null ? null : velocityW[l], gradW, rows);
        if (trainBias) {
            move(layer.bias(), velocityB == null ? null : velocityB[l], gradB, rows);
        }
    }

    /**
     * One matrix's step from the gradient {@code g = grad / rows + wd · p}. Each rule is written so that
     * p's decay term reads p before the step: plain {@code p = (1 − lr · wd) · p − lr · s · grad};
     * momentum {@code v = mu · v + g}, {@code p -= lr · v}; Nesterov the same v, then
     * {@code p = (1 − lr · wd) · p − lr · s · grad − lr · mu · v}, with s = 1 / rows.
     */
    private void move(DMatrixRMaj p, DMatrixRMaj v, DMatrixRMaj grad, int rows) {
        if (v != null) {
            kernels.scale(mu, v);
            kernels.axpy(1.0 / rows, grad, v);
            if (wd != 0) {
                kernels.axpy(wd, p, v);
            }
        }
        if (v == null || nesterov) {
            if (wd != 0) {
                kernels.scale(1 - lr * wd, p);
            }
            kernels.axpy(-lr / rows, grad, p);
        }
        if (v != null) {
            kernels.axpy(nesterov ? -lr * mu : -lr, v, p);
        }
    }

    /** Velocities back to zero. */
    @Override
    public void reset() {
        if (velocityW != null) {
            for (int l = 0; l < velocityW.length; l++) {
                velocityW[l].zero();
                velocityB[l].zero();
            }
        }
    }

    @Override
    public Map<String, DMatrixRMaj[]> arrays() {
        return velocityW == null ? Map.of() : Map.of("velocity", interleave(velocityW, velocityB));
    }

    @Override
    public long steps() {
        return 0;
    }

    @Override
    public void steps(long t) {}

    /** Each layer's weights' matrix, then its biases': the parameters' layout. */
    static DMatrixRMaj[] interleave(DMatrixRMaj[] w, DMatrixRMaj[] b) {
        DMatrixRMaj[] all = new DMatrixRMaj[2 * w.length];
        for (int l = 0; l < w.length; l++) {
            all[2 * l] = w[l];
            all[2 * l + 1] = b[l];
        }
        return all;
    }
}
