package io.vecprop.kernels;

/**
 * SplitMix64's finaliser (Steele, Lea and Flood, 2014), the hash dropout's masks are drawn from: a
 * bijection of 64 bits whose outputs pass BigCrush. Here, so that the network (row keys) and the
 * kernels (a key per unit, {@link DenseKernels#dropoutMask}) hash alike.
 */
public final class SplitMix64 {

    /** The golden-ratio increment, 2^64 / phi, odd. */
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** The finaliser's two multipliers. */
    public static final long M1 = 0xBF58476D1CE4E5B9L, M2 = 0x94D049BB133111EBL;

    private SplitMix64() {
    }

    /** The finaliser of z. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * M1;
        z = (z ^ (z >>> 27)) * M2;
        return z ^ (z >>> 31);
    }

    /**
     * The 53-bit draw of unit j of the row with this key, {@code mix(rowKey + (j + 1) · GOLDEN) >>> 11}:
     * the unit is kept when it is at least {@link #keepThreshold}.
     */
    public static long unitDraw(long rowKey, int j) {
        return mix(rowKey + (j + 1L) * GOLDEN) >>> 11;
    }

    /**
     * The threshold of a 53-bit draw that keeps a unit with probability 1 − rate:
     * {@code x >= ceil(rate · 2^53)} for the integer x = h >>> 11 is exactly
     * {@code x · 2^-53 >= rate}, as both scalings by 2^53 are exact.
     *
     * @param rate at least 0, below 1
     */
    public static long keepThreshold(double rate) {
        return (long) Math.ceil(rate * 0x1p53);
    }
}
