package io.vecprop.train;

import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Stochastic gradient descent, plain or with classical momentum, as PyTorch's
 * {@code SGD(lr, momentum=mu)}: per layer {@code v = mu · v + dW}, then {@code W -= lr · v}, and
 * the same for the biases unless they are frozen. With {@code mu = 0} that is {@code W -= lr · dW},
 * which the network takes fused ({@link Network#trainStep}, forming no dW). The velocities start at
 * zero, persist across steps (batch sizes included) until {@link #reset()}, and live in the
 * network's precision ({@link SgdState}, {@code SgdStateF32}).
 */
public final class Sgd implements Optimizer {

    private final double momentum;
    private final boolean trainBias;
    private SgdState f64;
    private SgdStateF32 f32;

    /**
     * @param momentum in [0, 1); 0 is plain SGD
     * @param trainBias false freezes the biases, as the worked example does
     */
    public Sgd(double momentum, boolean trainBias) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        this.momentum = momentum;
        this.trainBias = trainBias;
    }

    public double momentum() {
        return momentum;
    }

    public boolean trainBias() {
        return trainBias;
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

    private SgdState state(Network network) {
        if (f64 == null) {
            f64 = new SgdState(network, momentum, trainBias);
        }
        return f64.of(network);
    }

    private SgdStateF32 state(NetworkF32 network) {
        if (f32 == null) {
            f32 = new SgdStateF32(network, (float) momentum, trainBias);
        }
        return f32.of(network);
    }

    @Override
    public String toString() {
        return momentum == 0 ? "SGD" : "SGD with momentum " + momentum;
    }
}
