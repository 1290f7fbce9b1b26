package io.vecprop.train;

import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;

/**
 * Adam, and AdamW's decoupled weight decay, as PyTorch's {@code torch.optim.Adam(lr, betas=(beta1,
 * beta2), eps, weight_decay)} and {@code torch.optim.AdamW}: per parameter P with gradient g,
 * {@code m = beta1 · m + (1 − beta1) · g}, {@code v = beta2 · v + (1 − beta2) · g²}, and
 * {@code P -= lr / (1 − beta1^t) · m / (sqrt(v) / sqrt(1 − beta2^t) + eps)} at step t (from 1). Adam's
 * decay adds {@code wd · P} to g; AdamW's multiplies P by {@code 1 − lr · wd} first. The moments start
 * at zero and live in the network's precision ({@link AdamState}, {@code AdamStateF32}), allocated
 * once, on the first step; the step count runs across batches until {@link #reset()}.
 */
public final class Adam extends StatefulOptimizer {

    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final boolean trainBias;

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
    OptimizerState newState(Network network) {
        return new AdamState(network, beta1, beta2, eps, weightDecay, decoupled, trainBias);
    }

    @Override
    OptimizerStateF32 newState(NetworkF32 network) {
        return new AdamStateF32(network, beta1, beta2, eps, weightDecay, decoupled, trainBias);
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + " (beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps
                + (weightDecay == 0 ? "" : ", weight decay " + weightDecay) + ")";
    }
}
