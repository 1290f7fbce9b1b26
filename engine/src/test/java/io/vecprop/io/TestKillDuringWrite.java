package io.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM saves a model over and over (all weights 1, then all 2, then 3, ...) and is killed
 * with SIGKILL at seeded random moments: the file is always one whole model, and the next write
 * leaves no temporary behind.
 */
class TestKillDuringWrite {

    /** Values per model: 8 MB of F64, so a kill often lands inside a write. */
    static final int VALUES = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aModelKilledMidWriteIsAlwaysWholeAndItsTemporaryGoesWithTheNextWrite() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SplittableRandom rnd = new SplittableRandom(14);
        int kills = 8, midWrite = 0;
        for (int i = 0; i < kills; i++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Saver.class.getName(), file.toString(), Integer.toString(i * 1000))
                    .redirectErrorStream(true).start();
            // wait for its first whole model, then kill it at a random moment of the next writes
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !(Files.exists(file) && value(file) > i * 1000)) {
                Thread.sleep(10);
            }
            Thread.sleep(rnd.nextInt(5, 200));
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            double v = value(file);
            assertTrue(v > i * 1000, "a model this child saved: " + v);
            if (Files.exists(AtomicFiles.temporary(file.toAbsolutePath(), p.pid()))) {
                midWrite++;
            }
        }
        assertTrue(midWrite > 0, "some kill landed in the middle of a write");
        AtomicFiles.writeString(file, "the next write");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the killed children's temporaries are gone");
        }
    }

    /** The value every weight of the model at file has (and that they all have one). */
    private static double value(Path file) throws IOException {
        double[] w = Safetensors.read(file).tensors().get("w").values();
        assertEquals(VALUES, w.length);
        double v = w[0];
        assertTrue(Arrays.stream(w).allMatch(x -> x == v), "one whole model, not a mix");
        return v;
    }

    /** The child: saves models whose weights are all first+1, first+2, ... until it is killed. */
    public static final class Saver {
        public static void main(String[] args) throws IOException {
            Path file = Path.of(args[0]);
            double[] w = new double[VALUES];
            for (int k = Integer.parseInt(args[1]) + 1; ; k++) {
                Arrays.fill(w, k);
                Safetensors.write(file, Map.of("w", new Safetensors.Tensor("F64", new long[] {VALUES}, w)), Map.of());
            }
        }
    }
}
