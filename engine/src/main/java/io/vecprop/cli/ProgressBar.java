package io.vecprop.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The training progress of one epoch: on a terminal, one line that overwrites itself, such as
 * {@code epoch 3/10 [=========>                    ] 212/469  18,340 samples/s  loss 0.0412  ETA 0:07};
 * elsewhere (a pipe, a file) only the lines given to {@link #epochDone}.
 *
 * <p>{@link #batchDone} is called after every batch: it redraws at most every 100 ms (and always on
 * the last batch) and allocates nothing between redraws. The bar and its text are built in reused
 * buffers. Not thread-safe: one training loop drives it.
 */
final class ProgressBar {

    /** The shortest time between two redraws. */
    static final long REDRAW_NANOS = 100_000_000L;
    /** Characters between the brackets of the bar, when the line has room for them. */
    static final int BAR_WIDTH = 30;
    /** The line never gets longer than this, so that it fits a 100-column terminal without wrapping. */
    static final int MAX_LINE = 99;
    private static final int MIN_BAR_WIDTH = 10;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final StringBuilder head = new StringBuilder(32);
    private final StringBuilder tail = new StringBuilder(96);
    private final StringBuilder line = new StringBuilder(128);
    private final char[] digits = new char[32];
    private char[] chars = new char[128];

    private int epoch;
    private int epochs;
    private int batches;
    private long startNanos;
    private long lastDrawNanos;
    /** Length of the line now on screen, 0 if none: a shorter line is padded to cover it. */
    private int shownLength;

    /**
     * @param out where to draw
     * @param terminal true to draw one self-overwriting line; false to print nothing per batch (plain
     *     lines come only from {@link #epochDone})
     * @param clock a nanosecond time source, as {@link System#nanoTime}
     */
    ProgressBar(PrintWriter out, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** A bar on out that draws only when this JVM's console is a terminal, timed by {@link System#nanoTime}. */
    static ProgressBar forConsole(PrintWriter out) {
        Console console = System.console();
        return new ProgressBar(out, console != null && console.isTerminal(), System::nanoTime);
    }

    /** Starts epoch (1-based) of epochs, which has the given number of batches; draws the empty bar. */
    void epochStarted(int epoch, int epochs, int batches) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        startNanos = clock.getAsLong();
        lastDrawNanos = startNanos;
        if (terminal) {
            draw(0, 0, Double.NaN, startNanos);
        }
    }

    /**
     * Called after every batch: batchesDone of this epoch so far, samplesDone the samples they held,
     * runningLoss the mean loss so far. Redraws when 100 ms have passed since the last drawing, and
     * on the last batch.
     */
    void batchDone(int batchesDone, long samplesDone, double runningLoss) {
        if (!terminal) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDrawNanos < REDRAW_NANOS && batchesDone < batches) {
            return;
        }
        lastDrawNanos = now;
        draw(batchesDone, samplesDone, runningLoss, now);
    }

    /** Clears the bar (on a terminal) and prints the line, such as the epoch's summary; null prints nothing. */
    void epochDone(String summary) {
        if (shownLength > 0) {
            out.print('\r');
            for (int i = 0; i < shownLength; i++) {
                out.print(' ');
            }
            out.print('\r');
            shownLength = 0;
        }
        if (summary != null) {
            out.println(summary);
        }
        out.flush();
    }

    private void draw(int batchesDone, long samplesDone, double runningLoss, long now) {
        format(batchesDone, samplesDone, runningLoss, now);
        int length = line.length();
        for (int i = length; i < shownLength; i++) {
            line.append(' ');
        }
        int padded = line.length();
        if (chars.length < padded + 1) {
            chars = new char[padded + 32];
        }
        chars[0] = '\r';
        line.getChars(0, padded, chars, 1);
        out.write(chars, 0, padded + 1);
        out.flush();
        shownLength = length;
    }

    /** Builds the line into {@link #line}: head, bar, tail; the bar shrinks if the whole would be too long. */
    private void format(int batchesDone, long samplesDone, double runningLoss, long now) {
        head.setLength(0);
        head.append("epoch ").append(epoch).append('/').append(epochs).append(' ');

        tail.setLength(0);
        tail.append(' ').append(batchesDone).append('/').append(batches);
        long elapsed = now - startNanos;
        tail.append("  ");
        if (elapsed > 0 && samplesDone > 0) {
            appendGrouped(tail, Math.round(samplesDone * 1e9 / elapsed));
        } else {
            tail.append("--");
        }
        tail.append(" samples/s  loss ");
        Values.appendSig3(tail, runningLoss);
        tail.append("  ETA ");
        if (batchesDone >= batches) {
            tail.append("0:00");
        } else if (elapsed > 0 && batchesDone > 0) {
            appendDuration(tail, (double) elapsed * (batches - batchesDone) / batchesDone / 1e9);
        } else {
            tail.append("--:--");
        }

        int width = Math.clamp(MAX_LINE - head.length() - tail.length() - 2, MIN_BAR_WIDTH, BAR_WIDTH);
        int filled = batches <= 0 ? width : (int) ((long) Math.clamp(batchesDone, 0, batches) * width / batches);
        line.setLength(0);
        line.append(head).append('[');
        for (int i = 0; i < width; i++) {
            line.append(i < filled - 1 || filled == width ? '=' : i == filled - 1 ? '>' : ' ');
        }
        line.append(']').append(tail);
        if (line.length() > MAX_LINE) {
            line.setLength(MAX_LINE);
        }
    }

    /** Appends n with commas between groups of three digits: 18,340. */
    private void appendGrouped(StringBuilder sb, long n) {
        if (n < 0) {
            sb.append('-');
            n = -n;
        }
        int i = 0;
        do {
            if (i % 4 == 3) {
                digits[i++] = ',';
            }
            digits[i++] = (char) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        while (i > 0) {
            sb.append(digits[--i]);
        }
    }

    /** Appends a time as m:ss, or h:mm:ss from an hour; "&gt;9999h" when longer than that. */
    static void appendDuration(StringBuilder sb, double seconds) {
        if (!(seconds < 9999 * 3600.0)) {
            sb.append(">9999h");
            return;
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long min = s / 60 % 60;
        if (h > 0) {
            sb.append(h).append(':');
            if (min < 10) {
                sb.append('0');
            }
        }
        sb.append(min).append(':');
        if (s % 60 < 10) {
            sb.append('0');
        }
        sb.append(s % 60);
    }
}
