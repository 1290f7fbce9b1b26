package io.vecprop.nn;

import io.vecprop.GenerateF32;
import org.ejml.data.DMatrixRMaj;

/**
 * What a step does to each layer once every delta of the batch is known: an optimizer's update
 * rule, called by {@link Network#step(DMatrixRMaj, DMatrixRMaj, LayerUpdate)} from the output
 * layer down. The layer's gradients are {@code dE/dW = deltaᵀ · in / N} and
 * {@code dE/db = column sums of delta / N}, N the batch's rows; an update forms them or folds
 * them into its own state (momentum's velocities) as its rule needs.
 */
@GenerateF32
public interface LayerUpdate {

    /**
     * Updates layer l's weights in place.
     *
     * @param w out x in, live
     * @param delta N x out, dE/dnet of each row, not modified
     * @param in N x in, the layer's input of each row, not modified
     */
    void weights(int l, DMatrixRMaj w, DMatrixRMaj delta, DMatrixRMaj in);

    /**
     * Updates layer l's biases in place, or leaves them (frozen biases).
     *
     * @param b out x 1, live
     * @param delta N x out, not modified
     * @return whether the biases were updated
     */
    boolean bias(int l, DMatrixRMaj b, DMatrixRMaj delta);
}
