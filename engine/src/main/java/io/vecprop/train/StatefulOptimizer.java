package io.vecprop.train;

import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;
import io.vecprop.nn.Parameters;
import java.util.Map;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * An optimizer whose state lives in one of the two precisions' state classes, made on the first step for
 * the network it serves: the dispatch from {@link Optimizer}'s calls to that state, shared by {@link Sgd}
 * and {@link Adam}.
 */
abstract sealed class StatefulOptimizer implements Optimizer permits Sgd, Adam {

    private OptimizerState f64;
    private OptimizerStateF32 f32;

    /** A new state for this double network. */
    abstract OptimizerState newState(Network network);

    /** A new state for this float network. */
    abstract OptimizerStateF32 newState(NetworkF32 network);

    @Override
    public final double step(Network network, DMatrixRMaj x, DMatrixRMaj target, double learningRate) {
        return state(network).step(x, target, learningRate);
    }

    @Override
    public final float step(NetworkF32 network, FMatrixRMaj x, FMatrixRMaj target, float learningRate) {
        return state(network).step(x, target, learningRate);
    }

    @Override
    public final void applyGradients(DenseNetwork network, double learningRate) {
        switch (network) {
            case Network n -> state(n).applyMeans(learningRate);
            case NetworkF32 f -> state(f).applyMeans((float) learningRate);
        }
    }

    @Override
    public final void applyGradientSum(DenseNetwork network, GradientSum sum, double learningRate) {
        network.requirePrecision(sum.precision(), "gradient");
        switch (network) {
            case Network n -> state(n).applySum(sum.f64(), sum.rows(), learningRate);
            case NetworkF32 f -> state(f).applySum(sum.f32(), sum.rows(), (float) learningRate);
        }
    }

    @Override
    public final void reset() {
        if (f64 != null) {
            f64.reset();
        }
        if (f32 != null) {
            f32.reset();
        }
    }

    @Override
    public final State state(DenseNetwork network) {
        return switch (network) {
            case Network n -> new State(state(n).copyArrays(n.parameterCount()), state(n).steps());
            case NetworkF32 f -> new State(state(f).copyArrays(f.parameterCount()), state(f).steps());
        };
    }

    @Override
    public final void restore(DenseNetwork network, State state) {
        Map<String, ?> live = switch (network) {
            case Network n -> state(n).arrays();
            case NetworkF32 f -> state(f).arrays();
        };
        if (!live.keySet().equals(state.arrays().keySet())) {
            throw new IllegalArgumentException(this + " keeps " + new TreeSet<>(live.keySet()) + ", the state holds "
                    + new TreeSet<>(state.arrays().keySet()));
        }
        if (state.steps() < 0) {
            throw new IllegalArgumentException("a state of " + state.steps() + " steps");
        }
        for (Map.Entry<String, Parameters> e : state.arrays().entrySet()) {
            Parameters p = e.getValue();
            network.requirePrecision(p.precision(), "optimizer state '" + e.getKey() + "'");
            Parameters.checkLength(p.size(), network.parameterCount(), "optimizer state '" + e.getKey() + "'");
        }
        switch (network) {
            case Network n -> {
                state(n).setArrays(state.arrays());
                state(n).steps(state.steps());
            }
            case NetworkF32 f -> {
                state(f).setArrays(state.arrays());
                state(f).steps(state.steps());
            }
        }
    }

    private OptimizerState state(Network network) {
        if (f64 == null) {
            f64 = newState(network);
        }
        return f64.of(network);
    }

    private OptimizerStateF32 state(NetworkF32 network) {
        if (f32 == null) {
            f32 = newState(network);
        }
        return f32.of(network);
    }
}
