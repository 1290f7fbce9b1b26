package io.vecprop.train;

import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Adam, and AdamW's decoupled weight decay, as PyTorch's {@code torch.optim.Adam(lr, betas=(beta1,
 * beta2), eps, weight_decay)} and {@code torch.optim.AdamW}: per parameter P with gradient g,
 * {@code m = beta1 · m + (1 − beta1) · g}, {@code v = beta2 · v + (1 − beta2) · g²}, and
 * {@code P -= lr / (1 − beta1^t) · m / (sqrt(v) / sqrt(1 − beta2^t) + eps)} at step t (from 1). Adam's
 * decay adds {@code wd · P} to g; AdamW's multiplies P by {@code 1 − lr · wd} first. The moments start
 * at zero and live in the network's precision ({@link AdamState}, {@code AdamStateF32}), allocated
 * once, on the first step; the step count runs across batches until {@link #reset()}.
 */
public final class Adam implements Optimizer {

    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final boolean trainBias;
    private AdamState f64;
    private AdamStateF32 f32;

    /**
     * @param beta1 the first moment's decay, in [0, 1)
     * @param beta2 the second moment's decay, in [0, 1)
     * @param eps added to the denominator, positive and finite
     * @param weightDecay zero or positive and finite
     * @param decoupled AdamW's decay (true) or Adam's L2 term (false)
     * @param trainBias false freezes the biases
     */
    public Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean trainBias) {
        // the spec checks every value with the command line's messages
        new OptimizerSpec(decoupled ? OptimizerSpec.Kind.ADAMW : OptimizerSpec.Kind.ADAM, 0, beta1, beta2, eps, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.trainBias = trainBias;
    }

    @Override
    public double step(Network network, DMatrixRMaj x, DMatrixRMaj target, double learningRate) {
        return state(network).step(x, target, learningRate);
    }

    @Override
    public float step(NetworkF32 network, FMatrixRMaj x, FMatrixRMaj target, float learningRate) {
        return state(network).step(x, target, learningRate);
    }

    @Override
    public void applyGradients(DenseNetwork network, double learningRate) {
        switch (network) {
            case Network n -> state(n).applyMeans(learningRate);
            case NetworkF32 f -> state(f).applyMeans((float) learningRate);
        }
    }

    @Override
    public void applyGradientSum(DenseNetwork network, GradientSum sum, double learningRate) {
        network.requirePrecision(sum.precision(), "gradient");
        switch (network) {
            case Network n -> state(n).applySum(sum.f64(), sum.rows(), learningRate);
            case NetworkF32 f -> state(f).applySum(sum.f32(), sum.rows(), (float) learningRate);
        }
    }

    @Override
    public void reset() {
        if (f64 != null) {
            f64.reset();
        }
        if (f32 != null) {
            f32.reset();
        }
    }

    public boolean trainBias() {
        return trainBias;
    }

    /** Steps taken since the start or the last {@link #reset()}: the t of the bias corrections. */
    public long steps() {
        return f64 != null ? f64.steps() : f32 != null ? f32.steps() : 0;
    }

    private AdamState state(Network network) {
        if (f64 == null) {
            f64 = new AdamState(network, beta1, beta2, eps, weightDecay, decoupled, trainBias);
        }
        return f64.of(network);
    }

    private AdamStateF32 state(NetworkF32 network) {
        if (f32 == null) {
            f32 = new AdamStateF32(network, beta1, beta2, eps, weightDecay, decoupled, trainBias);
        }
        return f32.of(network);
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + " (beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps
                + (weightDecay == 0 ? "" : ", weight decay " + weightDecay) + ")";
    }
}
