package io.vecprop.nn;

import io.vecprop.GenerateF32;
import org.ejml.data.DMatrixRMaj;

/**
 * Every buffer a forward and backward pass needs for batches of up to a capacity of rows,
 * allocated once and reused, so a training step allocates nothing; a smaller batch (the last
 * one of an epoch) uses the first rows of the same arrays. Per layer l, with N samples and {@code out} units:
 * {@code net} and {@code out} (N x out, the text's net and out), {@code delta} (N x out,
 * dE/dnet), and, allocated on first use by {@link Network#backward}, the gradients {@code gradW}
 * (out x in) and {@code gradB} (out x 1); and, allocated on the first pass with {@link Dropout},
 * each hidden layer's mask {@code keep} and its dropped out, {@code out ∘ keep}, the next layer's input.
 *
 * <p>The matrices are live: the next pass through the network overwrites them.
 */
@GenerateF32
public final class Workspace {

    private final int capacity;
    private int batch;
    private final DMatrixRMaj[] net;
    private final DMatrixRMaj[] out;
    private final DMatrixRMaj[] delta;
    private DMatrixRMaj[] gradW;
    private DMatrixRMaj[] gradB;
    private DMatrixRMaj[] keep;
    private DMatrixRMaj[] dropped;
    /** Whether the last pass dropped units: then layer l's input is dropped(l - 1). */
    private boolean dropping;

    Workspace(DenseLayer[] layers, int capacity) {
        this.capacity = capacity;
        this.batch = capacity;
        int batch = capacity;
        int count = layers.length;
        net = new DMatrixRMaj[count];
        out = new DMatrixRMaj[count];
        delta = new DMatrixRMaj[count];
        for (int l = 0; l < count; l++) {
            int units = layers[l].outputs();
            net[l] = new DMatrixRMaj(batch, units);
            out[l] = new DMatrixRMaj(batch, units);
            delta[l] = new DMatrixRMaj(batch, units);
        }
    }

    void ensureGradients(DenseLayer[] layers) {
        if (gradW != null) {
            return;
        }
        gradW = new DMatrixRMaj[layers.length];
        gradB = new DMatrixRMaj[layers.length];
        for (int l = 0; l < layers.length; l++) {
            gradW[l] = new DMatrixRMaj(layers[l].outputs(), layers[l].inputs());
            gradB[l] = new DMatrixRMaj(layers[l].outputs(), 1);
        }
    }

    /** Allocates the dropout buffers of every hidden layer, once. */
    void ensureDropout() {
        if (keep != null) {
            return;
        }
        int hidden = net.length - 1;
        keep = new DMatrixRMaj[hidden];
        dropped = new DMatrixRMaj[hidden];
        for (int l = 0; l < hidden; l++) {
            keep[l] = new DMatrixRMaj(capacity, out[l].numCols); // room for the capacity, shaped for the batch
            dropped[l] = new DMatrixRMaj(capacity, out[l].numCols);
            keep[l].reshape(batch, out[l].numCols);
            dropped[l].reshape(batch, out[l].numCols);
        }
    }

    void dropping(boolean dropping) {
        this.dropping = dropping;
    }

    /** Whether the last forward pass dropped hidden units ({@link Dropout}). */
    public boolean dropping() {
        return dropping;
    }

    /** The dropout mask of hidden layer l in the last pass that dropped: N x out, 0 or {@code 1/(1 − p)}. */
    public DMatrixRMaj keep(int l) {
        requireDropout();
        return keep[l];
    }

    /** Hidden layer l's out after dropout, {@code out ∘ keep}: what the layer above took in that pass. */
    public DMatrixRMaj dropped(int l) {
        requireDropout();
        return dropped[l];
    }

    private void requireDropout() {
        if (keep == null) {
            throw new IllegalStateException("no dropout buffers: no pass has dropped units yet");
        }
    }

    /** The batch size N the buffers are shaped for now. */
    public int batchSize() {
        return batch;
    }

    /** The largest batch these buffers hold without growing. */
    public int capacity() {
        return capacity;
    }

    /** Shapes the buffers for n rows, n at most the capacity; allocates nothing. */
    void resize(int n) {
        if (n == batch) {
            return;
        }
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("batch " + n + " outside 1.." + capacity);
        }
        for (int l = 0; l < net.length; l++) {
            net[l].reshape(n, net[l].numCols);
            out[l].reshape(n, out[l].numCols);
            delta[l].reshape(n, delta[l].numCols);
        }
        if (keep != null) {
            for (int l = 0; l < keep.length; l++) {
                keep[l].reshape(n, keep[l].numCols);
                dropped[l].reshape(n, dropped[l].numCols);
            }
        }
        batch = n;
    }

    /** net of layer l: N x out, {@code x · Wᵀ + b}. */
    public DMatrixRMaj net(int l) {
        return net[l];
    }

    /** out of layer l: N x out, {@code sigmoid(net)}. */
    public DMatrixRMaj out(int l) {
        return out[l];
    }

    /** delta of layer l: N x out, dE/dnet for each sample (the loss of that sample alone). */
    public DMatrixRMaj delta(int l) {
        return delta[l];
    }

    /**
     * dE/dW of layer l (out x in): the mean over the batch as {@link Network#backward} leaves it, the
     * sum over the batch's rows as {@link Network#gradientSum} leaves it.
     */
    public DMatrixRMaj gradW(int l) {
        requireGradients();
        return gradW[l];
    }

    /** dE/db of layer l (out x 1): the mean over the batch after {@link Network#backward}, the sum after {@link Network#gradientSum}. */
    public DMatrixRMaj gradB(int l) {
        requireGradients();
        return gradB[l];
    }

    private void requireGradients() {
        if (gradW == null) {
            throw new IllegalStateException("no gradients yet: call Network.backward first");
        }
    }
}
