package io.vecprop.nn;

import static io.vecprop.kernels.SplitMix64.GOLDEN;
import static io.vecprop.kernels.SplitMix64.mix;

import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.KernelsF32;
import io.vecprop.kernels.SplitMix64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Inverted dropout on the hidden layers, as {@code torch.nn.Dropout(p)} in training mode: each
 * hidden unit's out is kept with probability {@code 1 − p} and then scaled by {@code 1/(1 − p)},
 * or set to 0, so the next layer sees the same expected input as without dropout and nothing
 * changes at evaluation ({@link Network#forward} and {@link Network#loss} never drop). The
 * backward pass drops the same units: {@code delta(l) = (delta(l+1) · W(l+1)) ∘ f'(net(l)) ∘ mask(l)}.
 *
 * <p>Which units a pass drops is a pure function of the seed, the epoch, the sample's index in
 * the training set, the layer and the unit, through a SplitMix64 hash (no generator whose state
 * advances). So the mask of a sample does not depend on the batch it falls in, on the thread
 * count, on how Spark's partitions split a batch, or on whether the run was resumed from a
 * checkpoint; and the double and float networks of one seed drop the same units.
 *
 * <p>A trainer sets where the coming batch's rows come from ({@link #rows}) before each step. Not
 * thread-safe: one per network (the row keys of a fill are a buffer it keeps).
 */
public final class Dropout {

    private final double rate;
    private final double keepScale;
    /** A unit is kept when its 53-bit draw is at least this (SplitMix64#keepThreshold of the rate). */
    private final long threshold;
    /** The row keys of the last fill, kept: a fill allocates nothing once it has seen its batch size. */
    private long[] keys = new long[0];
    private final long seed;
    private long epochKey;
    private int[] samples;
    private int from;

    /**
     * Dropout of rate p (at least 0, below 1) from this seed.
     *
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout " + rate + " must be at least 0 and below 1");
        }
        this.rate = rate;
        this.keepScale = 1 / (1 - rate);
        this.threshold = SplitMix64.keepThreshold(rate);
        this.seed = seed;
        rows(1, null, 0);
    }

    /** The probability p that a hidden unit is dropped. */
    public double rate() {
        return rate;
    }

    /** The seed the masks are drawn from. */
    public long seed() {
        return seed;
    }

    /**
     * Where the rows of the next passes come from: row r is sample {@code samples[from + r]} of the
     * training set (sample {@code from + r} when samples is null), in this epoch. Kept, not copied.
     */
    public void rows(int epoch, int[] samples, int from) {
        this.epochKey = mix(seed ^ mix(epoch * GOLDEN));
        this.samples = samples;
        this.from = from;
    }

    /**
     * Fills keep (rows x units of hidden layer l) with the mask of the current rows: 0 where a unit
     * is dropped, {@code 1/(1 − p)} where it is kept; the draws by the kernels'
     * {@link Kernels#dropoutMask}.
     */
    void fill(Kernels kernels, int layer, DMatrixRMaj keep) {
        kernels.dropoutMask(rowKeys(layer, keep.numRows), threshold, keepScale, keep);
    }

    /** As {@link #fill(Kernels, int, DMatrixRMaj)} in float: the same units dropped, the scale rounded to float. */
    void fill(KernelsF32 kernels, int layer, FMatrixRMaj keep) {
        kernels.dropoutMask(rowKeys(layer, keep.numRows), threshold, (float) keepScale, keep);
    }

    /** The key of each of the rows of layer l, in a buffer kept from call to call. */
    private long[] rowKeys(int layer, int rows) {
        if (keys.length < rows) {
            keys = new long[rows];
        }
        for (int r = 0; r < rows; r++) {
            keys[r] = rowKey(layer, r);
        }
        return keys;
    }

    private long rowKey(int layer, int r) {
        long sample = samples == null ? from + r : samples[from + r];
        return mix(mix(epochKey + (sample + 1) * GOLDEN) + (layer + 1L) * 0xD1B54A32D192ED03L);
    }

}
