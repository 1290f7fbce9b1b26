package io.vecprop.kernels;

/**
 * The time the packed products spend packing their operands, for {@code vecprop profile}: off
 * unless a profile turns it on, and then summed per thread chunk (each on a cache line of its own,
 * so two threads never write the same line). Process-wide, as the packing buffers' owners are
 * kernels that a profile does not see; one profile at a time.
 */
public final class PackClock {

    /** Longs per slot: one 64-byte line each. */
    private static final int STRIDE = 8;
    private static final int MAX_CHUNKS = 256;
    private static final long[] NANOS = new long[MAX_CHUNKS * STRIDE];
    private static volatile boolean on;

    private PackClock() {}

    /** Zeroes the sums. */
    public static void reset() {
        java.util.Arrays.fill(NANOS, 0);
    }

    /** Starts timing, adding to the sums so far. */
    public static void resume() {
        on = true;
    }

    /** Stops timing; the sums stay readable. */
    public static void stop() {
        on = false;
    }

    /** Whether packing is being timed now: the products read it once per block they pack. */
    public static boolean on() {
        return on;
    }

    /** Adds a packing time to a thread chunk's sum (chunks past the 256th are not counted). */
    public static void add(int chunk, long nanos) {
        if (chunk < MAX_CHUNKS) {
            NANOS[chunk * STRIDE] += nanos;
        }
    }

    /** The packing time summed over every chunk since {@link #reset()}, in nanoseconds. */
    public static long totalNanos() {
        long sum = 0;
        for (int ch = 0; ch < MAX_CHUNKS; ch++) {
            sum += NANOS[ch * STRIDE];
        }
        return sum;
    }
}
