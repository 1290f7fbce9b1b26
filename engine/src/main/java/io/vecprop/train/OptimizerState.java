package io.vecprop.train;

import io.vecprop.GenerateF32;
import io.vecprop.nn.Network;
import io.vecprop.nn.Parameters;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * The state's arrays by name ("velocity"; "m" and "v"), live, each as the network's parameters
     * are laid out: layer 0's W, layer 0's b, layer 1's W, ... Empty for a rule that keeps none.
     */
    Map<String, DMatrixRMaj[]> arrays();

    /** Steps counted (Adam's t); 0 for a rule that counts none. */
    long steps();

    /** Sets the count of steps taken, as a checkpoint holds it. */
    void steps(long t);

    /** A copy of each of {@link #arrays()}, flat as the network's count parameters are laid out. */
    default Map<String, Parameters> copyArrays(int count) {
        Map<String, Parameters> copies = new TreeMap<>();
        for (Map.Entry<String, DMatrixRMaj[]> e : arrays().entrySet()) {
            double[] flat = new double[count];
            int at = 0;
            for (DMatrixRMaj m : e.getValue()) {
                at = Parameters.flatten(m, flat, at);
            }
            copies.put(e.getKey(), Parameters.of(flat));
        }
        return copies;
    }

    /** Sets each of {@link #arrays()} from the copy of its name, checked by the caller to fit. */
    default void setArrays(Map<String, Parameters> copies) {
        for (Map.Entry<String, DMatrixRMaj[]> e : arrays().entrySet()) {
            double[] flat = copies.get(e.getKey()).f64(); //@f32 float[] flat = copies.get(e.getKey()).f32();
            int at = 0;
            for (DMatrixRMaj m : e.getValue()) {
                at = Parameters.unflatten(flat, at, m);
            }
        }
    }
}
