package io.vecprop.train;

import io.vecprop.data.Dataset;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import io.vecprop.nn.NetworkF32;

/**
 * A network with its batch buffers in the network's precision: the rows of a batch are gathered
 * from a {@link Dataset} (which holds doubles) into them, rounded to float for a float network,
 * and every step, loss and forward pass reads them. What the trainer, {@code eval} and
 * {@code predict} need, without knowing the precision: {@link NetworkBatch} for double and
 * {@code NetworkBatchF32}, generated from it, for float. Gathering allocates nothing.
 */
public sealed interface BatchBuffers permits NetworkBatch, NetworkBatchF32 {

    /** Buffers for batches of up to capacity rows of network's inputs and outputs. */
    static BatchBuffers of(DenseNetwork network, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity " + capacity + " must be at least 1");
        }
        return switch (network) {
            case Network n -> new NetworkBatch(n, capacity);
            case NetworkF32 f -> new NetworkBatchF32(f, capacity);
        };
    }

    /**
     * Rows {@code order[from .. from+rows)} of data, inputs and targets, into the buffers; with a
     * null order, rows {@code from .. from+rows} in turn. rows is at most the capacity.
     */
    void gather(Dataset data, int[] order, int from, int rows);

    /** Rows {@code from .. from+rows} of data's inputs alone into the input buffer. */
    void gatherInputs(Dataset data, int from, int rows);

    /** Sizes the network's workspace for a full batch, so the steps after it allocate nothing. */
    void reserve();

    /** One step of optimizer on the gathered batch; the loss before it (see {@link Optimizer#step}). */
    double trainStep(Optimizer optimizer, double learningRate);

    /**
     * The gradient of the gathered batch summed over its rows, with the rows' loss sum and correct
     * count, in a new array; the weights are not changed (see {@code Network.gradientSum}).
     */
    GradientSum gradientSum();

    /** The loss of the gathered batch under the current weights. */
    double loss();

    /** The forward pass of the gathered inputs. */
    void forward();

    /** How many rows of the last pass's outputs have their largest value where their target's is (the first, on ties). */
    int correct();

    /** The index of the largest output of row r in the last pass (the first, on ties). */
    int predictedClass(int r);

    /** Output j of row r in the last pass, in the shortest text that reads back to the same value in the network's precision. */
    String output(int r, int j);

    /** Unit j of layer l's out (l from 0, the first layer) for row r in the last forward pass, as {@link #output}. */
    String layerOutput(int l, int r, int j);

    /** Output j of row r in the last pass, as a double (a float widened exactly). */
    double value(int r, int j);
}
