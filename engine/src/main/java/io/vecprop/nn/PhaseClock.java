package io.vecprop.nn;

/**
 * Where a training step's time goes, phase by phase and layer by layer, for {@code vecprop
 * profile}: a network given a clock ({@code Network.time}) marks the end of each phase of its
 * steps, and the clock adds the time since the previous mark to that phase and layer. Timing costs
 * one {@link System#nanoTime()} per mark (tens of nanoseconds; the phases it times are micro- to
 * milliseconds). Sized for a network when made, so a timed step allocates nothing.
 */
public final class PhaseClock {

    /** The phases of a step, in the order a step runs them. */
    public enum Phase {
        /** {@code net = in · Wᵀ + b}, per layer. */
        FORWARD_PRODUCT("forward product"),
        /** {@code out = sigmoid(net)} (softmax for cross-entropy's output: inside the loss). */
        ACTIVATION("activation"),
        /** E_total and the output layer's delta. */
        LOSS_AND_OUTPUT_DELTA("loss and output delta"),
        /** {@code delta(l-1) = (delta(l) · W(l)) ∘ out(l-1) ∘ (1 - out(l-1))}. */
        HIDDEN_DELTA("hidden deltas"),
        /** {@code W -= lr/N · deltaᵀ · in} (online: the delta below and the update in one pass over W). */
        WEIGHT_UPDATE("weight update"),
        /** {@code b -= lr/N · column sums of delta}. */
        BIAS_UPDATE("bias update");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Phase[] PHASES = Phase.values();

    private final long[][] nanos;
    private long last;
    private long steps;

    /** A clock for a network of the given number of layers. */
    public PhaseClock(int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("a network has at least one layer, not " + layers);
        }
        nanos = new long[PHASES.length][layers];
    }

    /** Marks the start of a step. */
    public void startStep() {
        steps++;
        last = System.nanoTime();
    }

    /** Adds the time since the previous mark to a phase of layer l. */
    public void mark(Phase phase, int l) {
        long now = System.nanoTime();
        nanos[phase.ordinal()][l] += now - last;
        last = now;
    }

    /** Zeroes every sum and the step count. */
    public void reset() {
        for (long[] row : nanos) {
            java.util.Arrays.fill(row, 0);
        }
        steps = 0;
    }

    /** Steps started since the last reset. */
    public long steps() {
        return steps;
    }

    /** The time summed over the steps in a phase of layer l, in nanoseconds. */
    public long nanos(Phase phase, int l) {
        return nanos[phase.ordinal()][l];
    }

    public int layers() {
        return nanos[0].length;
    }
}
