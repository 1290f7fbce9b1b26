package io.vecprop.train;

import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;

/**
 * Stochastic gradient descent, plain, with classical momentum or with Nesterov's, and optional L2
 * weight decay, as PyTorch's {@code SGD(lr, momentum=mu, nesterov=..., weight_decay=wd)}: per layer
 * {@code g = dW + wd · W}, {@code v = mu · v + g}, then {@code W -= lr · v} (classical) or
 * {@code W -= lr · (g + mu · v)} (Nesterov), and the same for the biases unless they are frozen.
 * With {@code mu = 0} that is {@code W -= lr · g}; without decay too, the network takes it fused
 * ({@link Network#trainStep}, forming no dW). The velocities start at zero, persist across steps
 * (batch sizes included) until {@link #reset()}, and live in the network's precision
 * ({@link SgdState}, {@code SgdStateF32}).
 */
public final class Sgd extends StatefulOptimizer {

    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final boolean trainBias;

    /**
     * @param momentum in [0, 1); 0 is plain SGD
     * @param trainBias false freezes the biases, as the worked example does
     */
    public Sgd(double momentum, boolean trainBias) {
        this(momentum, false, 0, trainBias);
    }

    /**
     * @param momentum in [0, 1); 0 is plain SGD
     * @param nesterov Nesterov's momentum instead of the classical one (needs a momentum above 0)
     * @param weightDecay the L2 term's wd, zero or positive
     * @param trainBias false freezes the biases
     */
    public Sgd(double momentum, boolean nesterov, double weightDecay, boolean trainBias) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs a momentum in (0, 1)");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be zero or positive and finite");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.trainBias = trainBias;
    }

    public double momentum() {
        return momentum;
    }

    public boolean trainBias() {
        return trainBias;
    }

    @Override
    OptimizerState newState(Network network) {
        return new SgdState(network, momentum, nesterov, weightDecay, trainBias);
    }

    @Override
    OptimizerStateF32 newState(NetworkF32 network) {
        return new SgdStateF32(network, (float) momentum, nesterov, (float) weightDecay, trainBias);
    }

    @Override
    public String toString() {
        String s = momentum == 0 ? "SGD" : "SGD with " + (nesterov ? "Nesterov " : "") + "momentum " + momentum;
        return weightDecay == 0 ? s : s + ", weight decay " + weightDecay;
    }
}
