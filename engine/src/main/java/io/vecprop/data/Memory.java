package io.vecprop.data;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one check of a large allocation against the heap this JVM may use ({@link Runtime#maxMemory()}),
 * made with the size computed in long before anything is allocated, so that data or a network too
 * large for the heap fails with one line that says how much it needs and how to raise the limit.
 *
 * <p>The system property {@code vecprop.maxMemory} (bytes) lowers the limit the check uses, so that
 * tests can make it fire without allocating gigabytes.
 */
public final class Memory {

    /** Largest array the JVM reliably allocates. */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Memory() {}

    /** The heap this JVM may use, in bytes (the property {@code vecprop.maxMemory} when set). */
    public static long max() {
        Long forced = Long.getLong("vecprop.maxMemory");
        return forced != null ? forced : Runtime.getRuntime().maxMemory();
    }

    /**
     * Throws unless bytes fit in the heap this JVM may use.
     *
     * @param needs what needs them, for the message: "data.csv needs 12.5 GB for the images" (see {@link #size})
     * @param failure the exception to throw with the message (a reader's is its format exception)
     */
    public static <X extends Exception> void require(long bytes, Supplier<String> needs, Function<String, X> failure)
            throws X {
        if (bytes > max()) {
            throw failure.apply(needs.get() + "; " + limit(bytes));
        }
    }

    /** "this JVM may use 6 GB (raise it with VECPROP_JAVA_OPTS=-Xmx15g)": a limit that holds bytes with a quarter to spare. */
    public static String limit(long bytes) {
        long gib = 1L << 30;
        return "this JVM may use " + size(max()) + " (raise it with VECPROP_JAVA_OPTS=-Xmx"
                + Math.max(1, Math.ceilDiv(bytes + bytes / 4, gib)) + "g)";
    }

    /** Bytes in decimal units with at most one decimal: "12.5 GB", "6 GB", "640 MB", "512 bytes". */
    public static String size(long bytes) {
        String[] units = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 999.95 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        String s = u == 0 ? Long.toString(bytes) : String.format(Locale.ROOT, "%.1f", v);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + " " + units[u];
    }
}
