package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestAlignedBuffers {

    @Test
    void underG1WithModerateRegionsBuffersAreHumongousAndUsedFromIndexSix() throws Exception {
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("G1"));
        if (g1) {
            assertEquals(6, AlignedBuffers.OFFSET, "16-byte array header: index 6 starts the region's second line");
            // half a region at least, so G1 allocates it as a humongous object at a region start
            long region = Long.parseLong(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("G1HeapRegionSize").getValue());
            assertTrue(AlignedBuffers.allocate(10).length * 8L >= region / 2);
        }
        double[] big = AlignedBuffers.allocate(5_000_000);
        assertEquals(AlignedBuffers.OFFSET + 5_000_000, big.length, "a buffer already humongous is not grown");
        // another collector, or the property, gives plain arrays used from index 0
        assertEquals("0 false", probe("-XX:+UseParallelGC"));
        assertEquals("0 false", probe("-Dvecprop.alignBuffers=false"));
        assertEquals("6 true", probe("-XX:+UseG1GC", "-XX:G1HeapRegionSize=1m"));
        assertEquals("0 false", probe("-XX:+UseG1GC", "-XX:G1HeapRegionSize=32m"), "16 MB of padding is not worth it");
    }

    private static String probe(String... flags) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.util.List.of(flags));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    /** Prints the offset and whether buffers are aligned in a JVM of its own. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println(AlignedBuffers.OFFSET + " " + AlignedBuffers.aligned());
        }
    }
}
