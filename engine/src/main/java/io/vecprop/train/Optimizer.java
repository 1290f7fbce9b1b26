package io.vecprop.train;

import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.nn.Parameters;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * How a network's weights move along its gradient, step after step, and the state that takes
 * (momentum's velocities): the one place an update rule lives. The network computes the forward
 * pass, the deltas and the gradients; the optimizer turns them into new weights. An optimizer
 * serves one network (its state is shaped for it), in that network's precision, and allocates its
 * state once, on the first step. {@link Sgd} is plain gradient descent, classical or Nesterov momentum;
 * {@link Adam} is Adam and AdamW.
 *
 * <p>The learning rate is given per step, so a schedule can change it without touching the state.
 */
public interface Optimizer {

    /**
     * The optimizer the options ask for: {@link Sgd} or {@link Adam} as their {@link OptimizerSpec} says, biases
     * trained or frozen, and the gradient clipped to their norm when they ask for it ({@link ClipNorm}).
     */
    static Optimizer of(MiniBatchTrainer.Options options) {
        Optimizer rule = of(options.optimizer(), options.trainBias());
        return options.clipNorm() > 0 ? new ClipNorm(rule, options.clipNorm(), options.trainBias()) : rule;
    }

    /** The optimizer spec names, unclipped. */
    static Optimizer of(OptimizerSpec spec, boolean trainBias) {
        return switch (spec.kind()) {
            case SGD, MOMENTUM -> new Sgd(spec.momentum(), false, spec.weightDecay(), trainBias);
            case NESTEROV -> new Sgd(spec.momentum(), true, spec.weightDecay(), trainBias);
            case ADAM, ADAMW -> new Adam(spec.beta1(), spec.beta2(), spec.eps(), spec.weightDecay(),
                    spec.kind() == OptimizerSpec.Kind.ADAMW, trainBias);
        };
    }

    /**
     * One step on a batch: forward, backward and this optimizer's update of every weight.
     *
     * @param x N x inputs, one sample per row
     * @param target N x outputs
     * @return the batch's mean loss before the step
     */
    double step(Network network, DMatrixRMaj x, DMatrixRMaj target, double learningRate);

    /** As {@link #step(Network, DMatrixRMaj, DMatrixRMaj, double)}, for a float network. */
    float step(NetworkF32 network, FMatrixRMaj x, FMatrixRMaj target, float learningRate);

    /**
     * One step from the mean gradients the network's last {@code backward} left in its workspace
     * (the network is not run again).
     */
    void applyGradients(DenseNetwork network, double learningRate);

    /**
     * One step from a gradient summed over a batch's rows, such as the sum of the gradient sums that
     * workers computed on the parts of one batch: the same arithmetic as {@link #step} on the whole
     * batch, so the two differ only in the order the rows were summed.
     */
    void applyGradientSum(DenseNetwork network, GradientSum sum, double learningRate);

    /** Forgets the state (velocities and moments back to zero, Adam's step count to 0), as at the start of training. */
    void reset();

    /**
     * What an optimizer keeps between steps, for a checkpoint: its arrays by name ("velocity"; Adam's "m" and
     * "v"), each laid out as the network's {@link DenseNetwork#parameters()} and in its precision, and the
     * steps it has counted (Adam's t). A frozen bias's part stays 0.
     */
    record State(Map<String, Parameters> arrays, long steps) {
        public State {
            arrays = Map.copyOf(arrays);
        }
    }

    /** A copy of the state this optimizer keeps for network (zero before its first step). */
    State state(DenseNetwork network);

    /**
     * Sets the state for network from a copy {@link #state} made: the same names, sizes and precision.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    void restore(DenseNetwork network, State state);
}
