package io.vecprop.nn;

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
 * thread-safe: one per network.
 */
public final class Dropout {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final double rate;
    private final double keepScale;
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
     * is dropped, {@code 1/(1 − p)} where it is kept.
     */
    void fill(int layer, DMatrixRMaj keep) {
        int units = keep.numCols;
        for (int r = 0; r < keep.numRows; r++) {
            long row = rowKey(layer, r);
            for (int j = 0, at = r * units; j < units; j++, at++) {
                keep.data[at] = kept(row, j) ? keepScale : 0;
            }
        }
    }

    /** As {@link #fill(int, DMatrixRMaj)} in float: the same units dropped, the scale rounded to float. */
    void fill(int layer, FMatrixRMaj keep) {
        int units = keep.numCols;
        float scale = (float) keepScale;
        for (int r = 0; r < keep.numRows; r++) {
            long row = rowKey(layer, r);
            for (int j = 0, at = r * units; j < units; j++, at++) {
                keep.data[at] = kept(row, j) ? scale : 0;
            }
        }
    }

    private long rowKey(int layer, int r) {
        long sample = samples == null ? from + r : samples[from + r];
        return mix(mix(epochKey + (sample + 1) * GOLDEN) + (layer + 1L) * 0xD1B54A32D192ED03L);
    }

    /** Whether unit j of a row is kept: a uniform draw in [0, 1) of 53 bits at or above p. */
    private boolean kept(long row, int j) {
        double u = (mix(row + (j + 1L) * GOLDEN) >>> 11) * 0x1.0p-53;
        return u >= rate;
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood, 2014): a bijection of 64 bits whose outputs pass BigCrush. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
