package io.vecprop.train;

import io.vecprop.GenerateF32;
import io.vecprop.nn.Network;
import org.ejml.data.DMatrixRMaj;

/**
 * An update rule's state for one double network, what {@link StatefulOptimizer} drives ({@link SgdState},
 * {@link AdamState}); its float twin {@code OptimizerStateF32} is generated from this file.
 */
@GenerateF32
interface OptimizerState {

    /** This state, when it is network's; else an IllegalStateException (an optimizer serves one network). */
    OptimizerState of(Network network);

    /** One step on a batch; the loss before it. */
    double step(DMatrixRMaj x, DMatrixRMaj target, double lr);

    /** One step from the mean gradients the network's last backward left in its workspace. */
    void applyMeans(double lr);

    /** One step from a gradient summed over rows, laid out as the network's parameters. */
    void applySum(double[] sum, int rows, double lr);

    /** The state back to its start. */
    void reset();
}
