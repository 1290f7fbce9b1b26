package io.vecprop.kernels;

import io.vecprop.GenerateF32;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Java arrays whose data, from a known index on, starts on a 64-byte cache line, where the JVM
 * makes that possible.
 *
 * <p>A 512-bit load that straddles two cache lines costs about twice one that does not, and the
 * packed B panels of the GEMM are read by such loads in its innermost loop: with the panels on
 * line boundaries the 784-1024-1024-10 training step measured 6-18% faster on one thread. Java
 * gives no way to ask for an aligned array, but G1 places a humongous object (at least half a
 * heap region) at the start of a region, so its data begins at the region start plus the array
 * header (16 bytes with compressed class pointers or compact headers): index 6 is then
 * 64-byte aligned. So when G1 runs with regions of at most {@link #MAX_PADDED_BYTES} times two,
 * a buffer is grown to half a region and used from index 6; otherwise (another collector, huge
 * regions, or a header size other than 16) it is used from index 0, as any array, which is only
 * slower, never wrong. {@code -Dvecprop.alignBuffers=false} turns the padding off, to measure it.
 */
@GenerateF32
public final class AlignedBuffers {

    /** The most a buffer is grown to reach half a G1 region. */
    public static final long MAX_PADDED_BYTES = 8L << 20;

    private static final int LINE = 64;

    /** Half a G1 region in bytes, or 0 when a humongous array would not be line-aligned or is too big to be worth it. */
    private static final long HUMONGOUS_BYTES = humongousBytes();

    /** The index of the first 64-byte-aligned element of an array from {@link #allocate}, 0 when unknown. */
    public static final int OFFSET = HUMONGOUS_BYTES > 0 ? (LINE - 16) / Double.BYTES : 0;

    private AlignedBuffers() {}

    /**
     * An array of at least {@code OFFSET + length} doubles; its elements from {@link #OFFSET} on
     * start on a cache line when the JVM allows it (see the class comment).
     */
    public static double[] allocate(int length) {
        long bytes = (long) (OFFSET + length) * Double.BYTES;
        if (HUMONGOUS_BYTES > 0 && bytes < HUMONGOUS_BYTES) {
            return new double[(int) (HUMONGOUS_BYTES / Double.BYTES) + 1];
        }
        return new double[OFFSET + length];
    }

    /** Whether buffers are placed on cache lines in this JVM, for {@code vecprop info}. */
    public static boolean aligned() {
        return OFFSET != 0;
    }

    private static long humongousBytes() {
        if (!Boolean.parseBoolean(System.getProperty("vecprop.alignBuffers", "true"))) {
            return 0;
        }
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null || !"true".equals(hotspot.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            // the array header is 16 bytes unless compressed class pointers are off (and headers are not compact)
            boolean compact = "true".equals(vmOption(hotspot, "UseCompactObjectHeaders"));
            boolean compressedClass = "true".equals(vmOption(hotspot, "UseCompressedClassPointers"));
            if (!compact && !compressedClass) {
                return 0;
            }
            long region = Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
            long half = region / 2;
            return half > 0 && half <= MAX_PADDED_BYTES && region % LINE == 0 ? half : 0;
        } catch (RuntimeException | LinkageError e) {
            return 0; // no management API here: plain arrays
        }
    }

    private static String vmOption(HotSpotDiagnosticMXBean hotspot, String name) {
        try {
            return hotspot.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return "false";
        }
    }
}
