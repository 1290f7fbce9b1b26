package io.vecprop.nn;

import org.ejml.data.DMatrixRMaj;

/**
 * Every buffer a forward and backward pass needs for one batch size, allocated once and reused,
 * so a training step allocates nothing. Per layer l, with N samples and {@code out} units:
 * {@code net} and {@code out} (N x out, the text's net and out), {@code delta} (N x out,
 * dE/dnet), and, allocated on first use by {@link Network#backward}, the gradients {@code gradW}
 * (out x in) and {@code gradB} (out x 1).
 *
 * <p>The matrices are live: the next pass through the network overwrites them.
 */
public final class Workspace {

    private final int batch;
    private final DMatrixRMaj[] net;
    private final DMatrixRMaj[] out;
    private final DMatrixRMaj[] delta;
    private DMatrixRMaj[] gradW;
    private DMatrixRMaj[] gradB;

    Workspace(DenseLayer[] layers, int batch) {
        this.batch = batch;
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

    /** The batch size N these buffers are for. */
    public int batchSize() {
        return batch;
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

    /** dE/dW of layer l (out x in), the mean over the batch, as left by {@link Network#backward}. */
    public DMatrixRMaj gradW(int l) {
        requireGradients();
        return gradW[l];
    }

    /** dE/db of layer l (out x 1), the mean over the batch, as left by {@link Network#backward}. */
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
