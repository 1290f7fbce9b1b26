package io.vecprop.train;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.DenseLayer;
import io.vecprop.nn.LayerUpdate;
import io.vecprop.nn.Network;
import io.vecprop.nn.Parameters;
import io.vecprop.nn.Workspace;
import org.ejml.data.DMatrixRMaj;

/**
 * {@link Sgd}'s state and arithmetic for one double network; its float twin is generated from this
 * file. The velocities v of dW and db are allocated here, once, when the momentum is not zero; the
 * buffers a gradient sum is unpacked into, on the first sum.
 */
@GenerateF32
final class SgdState implements LayerUpdate {

    private final Network network;
    private final Kernels kernels;
    private final double mu;
    private final boolean trainBias;
    /** Momentum's velocities (the running sums v of dW and db), null for plain SGD. */
    private final DMatrixRMaj[] velocityW;
    private final DMatrixRMaj[] velocityB;
    /** A gradient sum unpacked per layer, allocated on the first {@link #applySum}. */
    private DMatrixRMaj[] sumW;
    private DMatrixRMaj[] sumB;
    /** The learning rate and 1/N of the step in progress, for {@link #weights} and {@link #bias}. */
    private double lr;
    private double invN;

    SgdState(Network network, double mu, boolean trainBias) {
        this.network = network;
        this.kernels = network.kernels();
        this.mu = mu;
        this.trainBias = trainBias;
        this.velocityW = mu == 0 ? null : zeros(network, false);
        this.velocityB = mu == 0 ? null : zeros(network, true);
    }

    /** Zero matrices shaped as each layer's weights (out x in), or its biases (out x 1). */
    private static DMatrixRMaj[] zeros(Network network, boolean bias) {
        DMatrixRMaj[] m = new DMatrixRMaj[network.layerCount()];
        for (int l = 0; l < m.length; l++) {
            DenseLayer layer = network.layer(l);
            m[l] = new DMatrixRMaj(layer.outputs(), bias ? 1 : layer.inputs());
        }
        return m;
    }

    /** This state, when it is network's. */
    SgdState of(Network network) {
        if (network != this.network) {
            throw new IllegalStateException("an optimizer keeps the state of one network: make one per network");
        }
        return this;
    }

    /** One step on a batch; the loss before it. */
    double step(DMatrixRMaj x, DMatrixRMaj target, double lr) {
        if (mu == 0) {
            return network.trainStep(x, target, lr, trainBias);
        }
        this.lr = lr;
        this.invN = 1.0 / x.numRows;
        return network.step(x, target, this);
    }

    @Override
    public void weights(int l, DMatrixRMaj w, DMatrixRMaj delta, DMatrixRMaj in) {
        // v = mu · v + dW with dW = deltaᵀ · in / N; W -= lr · v
        kernels.scale(mu, velocityW[l]);
        kernels.multAddTransA(invN, delta, in, velocityW[l]);
        kernels.axpy(-lr, velocityW[l], w);
    }

    @Override
    public boolean bias(int l, DMatrixRMaj b, DMatrixRMaj delta) {
        if (!trainBias) {
            return false;
        }
        kernels.scale(mu, velocityB[l]);
        kernels.addColumnSums(invN, delta, velocityB[l]);
        kernels.axpy(-lr, velocityB[l], b);
        return true;
    }

    /** One step from the mean gradients the network's last backward left in its workspace. Allocates nothing. */
    void applyMeans(double lr) {
        Workspace ws = network.workspace();
        for (int l = 0; l < network.layerCount(); l++) {
            descend(l, ws.gradW(l), ws.gradB(l), 1, lr);
        }
    }

    /** One step from a gradient summed over rows, laid out as {@link Parameters}. Allocates nothing after the first call. */
    void applySum(double[] sum, int rows, double lr) {
        Parameters.checkLength(sum.length, network.parameterCount(), "gradient");
        if (rows < 1) {
            throw new IllegalArgumentException("a gradient sum over " + rows + " rows");
        }
        int layers = network.layerCount();
        if (sumW == null) {
            sumW = zeros(network, false);
            sumB = zeros(network, true);
        }
        int at = 0;
        for (int l = 0; l < layers; l++) {
            at = Parameters.unflatten(sum, at, sumW[l]);
            at = Parameters.unflatten(sum, at, sumB[l]);
            descend(l, sumW[l], sumB[l], rows, lr);
        }
    }

    /** Layer l's step from its gradients summed over rows (rows 1: the means): {@code dW = gradW / rows}. */
    private void descend(int l, DMatrixRMaj gradW, DMatrixRMaj gradB, int rows, double lr) {
        DenseLayer layer = network.layer(l);
        if (mu == 0) {
            // W -= lr/N · Σ deltaᵀ · in, as trainStep's rank-N update
            kernels.axpy(-lr / rows, gradW, layer.weights());
            if (trainBias) {
                kernels.axpy(-lr / rows, gradB, layer.bias());
            }
            return;
        }
        double invN = 1.0 / rows;
        // v = mu · v + dW; W -= lr · v
        kernels.scale(mu, velocityW[l]);
        kernels.axpy(invN, gradW, velocityW[l]);
        kernels.axpy(-lr, velocityW[l], layer.weights());
        if (trainBias) {
            kernels.scale(mu, velocityB[l]);
            kernels.axpy(invN, gradB, velocityB[l]);
            kernels.axpy(-lr, velocityB[l], layer.bias());
        }
    }

    /** Velocities back to zero. */
    void reset() {
        if (velocityW != null) {
            for (int l = 0; l < velocityW.length; l++) {
                velocityW[l].zero();
                velocityB[l].zero();
            }
        }
    }
}
