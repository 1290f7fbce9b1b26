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
 * {@link Adam}'s state and arithmetic for one double network; its float twin is generated from this
 * file. Per layer the first and second moments m and v of W and b, and a buffer the step's
 * gradient {@code dW = deltaᵀ · in / N} is formed in, all allocated once, here; the step count t.
 * Each step is PyTorch's ({@code torch.optim.Adam}, {@code AdamW}), every parameter P at once by
 * {@link Kernels#adam}: {@code g = dP + l2 · P}, {@code m = beta1 · m + (1 − beta1) · g},
 * {@code v = beta2 · v + (1 − beta2) · g²},
 * {@code P = decay · P − lr / (1 − beta1^t) · m / (sqrt(v) / sqrt(1 − beta2^t) + eps)}, with Adam's
 * L2 term ({@code l2 = wd}, {@code decay = 1}) or AdamW's decoupled one ({@code l2 = 0},
 * {@code decay = 1 − lr · wd}). The bias corrections are computed in double in both precisions, as
 * PyTorch computes them in Python floats.
 */
@GenerateF32
final class AdamState implements LayerUpdate, OptimizerState {

    private final Network network;
    private final Kernels kernels;
    private final double beta1, beta2, eps, wd; //@keep
    private final boolean decoupled;
    private final boolean trainBias;
    /** The moments of each layer's W and b. */
    private final DMatrixRMaj[] mW, vW, mB, vB;
    /** The step's gradients; a gradient sum is unpacked into them too. */
    private final DMatrixRMaj[] gradW, gradB;
    /** Steps taken, the t of the bias corrections. */
    private long t;
    /** The step in progress: its constants, and 1/N for {@link #weights} and {@link #bias}. */
    private double stepSize, bc2Sqrt, decay, l2; //@keep
    private double invN;

    AdamState(Network network, double beta1, double beta2, double eps, double wd, boolean decoupled, boolean trainBias) { //@keep
        this.network = network;
        this.kernels = network.kernels();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.wd = wd;
        this.decoupled = decoupled;
        this.trainBias = trainBias;
        this.mW = SgdState.zeros(network, false);
        this.vW = SgdState.zeros(network, false);
        this.gradW = SgdState.zeros(network, false);
        this.mB = SgdState.zeros(network, true);
        this.vB = SgdState.zeros(network, true);
        this.gradB = SgdState.zeros(network, true);
    }

    @Override
    public AdamState of(Network network) {
        if (network != this.network) {
            throw new IllegalStateException("an optimizer keeps the state of one network: make one per network");
        }
        return this;
    }

    /** Counts the step and sets its constants from the learning rate. */
    private void begin(double lr) { //@keep
        t++;
        double bc1 = 1 - Math.pow(beta1, t); //@keep
        stepSize = lr / bc1;
        bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t)); //@keep
        decay = decoupled ? 1 - lr * wd : 1;
        l2 = decoupled ? 0 : wd;
    }

    /** One step on a batch; the loss before it. */
    @Override
    public double step(DMatrixRMaj x, DMatrixRMaj target, double lr) {
        begin(lr);
        this.invN = 1.0 / x.numRows;
        return network.step(x, target, this);
    }

    @Override
    public void weights(int l, DMatrixRMaj w, DMatrixRMaj delta, DMatrixRMaj in) {
        // g = dW = deltaᵀ · in / N, then Adam's step of W from it
        gradW[l].zero();
        kernels.multAddTransA(invN, delta, in, gradW[l]);
        adam(gradW[l], 1, mW[l], vW[l], w);
    }

    @Override
    public boolean bias(int l, DMatrixRMaj b, DMatrixRMaj delta) {
        if (!trainBias) {
            return false;
        }
        gradB[l].zero();
        kernels.addColumnSums(invN, delta, gradB[l]);
        adam(gradB[l], 1, mB[l], vB[l], b);
        return true;
    }

    /** One step from the mean gradients the network's last backward left in its workspace. Allocates nothing. */
    @Override
    public void applyMeans(double lr) {
        begin(lr);
        Workspace ws = network.workspace();
        for (int l = 0; l < network.layerCount(); l++) {
            DenseLayer layer = network.layer(l);
            adam(ws.gradW(l), 1, mW[l], vW[l], layer.weights());
            if (trainBias) {
                adam(ws.gradB(l), 1, mB[l], vB[l], layer.bias());
            }
        }
    }

    /** One step from a gradient summed over rows, laid out as {@link Parameters}. Allocates nothing. */
    @Override
    public void applySum(double[] sum, int rows, double lr) {
        Parameters.checkLength(sum.length, network.parameterCount(), "gradient");
        if (rows < 1) {
            throw new IllegalArgumentException("a gradient sum over " + rows + " rows");
        }
        begin(lr);
        int at = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            DenseLayer layer = network.layer(l);
            at = Parameters.unflatten(sum, at, gradW[l]);
            at = Parameters.unflatten(sum, at, gradB[l]);
            adam(gradW[l], 1.0 / rows, mW[l], vW[l], layer.weights());
            if (trainBias) {
                adam(gradB[l], 1.0 / rows, mB[l], vB[l], layer.bias());
            }
        }
    }

    /** Adam's step of p from gScale · g with the step's constants. */
    private void adam(DMatrixRMaj g, double gScale, DMatrixRMaj m, DMatrixRMaj v, DMatrixRMaj p) {
        kernels.adam(beta1, 1 - beta1, beta2, 1 - beta2, stepSize, bc2Sqrt, eps, decay, l2, gScale, g, m, v, p); //@f32 kernels.adam((float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) stepSize, (float) bc2Sqrt, (float) eps, (float) decay, (float) l2, gScale, g, m, v, p);
    }

    @Override
    public Map<String, DMatrixRMaj[]> arrays() {
        return Map.of("m", SgdState.interleave(mW, mB), "v", SgdState.interleave(vW, vB));
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void steps(long t) {
        this.t = t;
    }

    /** Moments back to zero and the step count to 0. */
    @Override
    public void reset() {
        t = 0;
        for (int l = 0; l < mW.length; l++) {
            mW[l].zero();
            vW[l].zero();
            mB[l].zero();
            vB[l].zero();
        }
    }
}
