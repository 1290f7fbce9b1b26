package io.vecprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plot as TestKillDuringWrite the model: a child drawing it over and over, SIGKILLed; always one whole PNG. */
class TestKillDuringPlot {

    /** A PNG's last chunk, IEND with its CRC: a file that ends so was written to its end. */
    private static final byte[] IEND = {0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    @TempDir
    Path dir;

    @Test
    void aPlotKilledMidWriteIsAlwaysAWholePng() throws Exception {
        Path plot = dir.resolve("losses.png");
        SplittableRandom rnd = new SplittableRandom(14);
        for (int i = 0; i < 5; i++) {
            // no display and no java.awt.headless: the chart is drawn off-screen all the same
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Drawer.class.getName(), plot.toString())
                    .redirectErrorStream(true);
            pb.environment().remove("DISPLAY");
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long before = Files.exists(plot) ? Files.getLastModifiedTime(plot).toMillis() : -1;
            while (System.nanoTime() < deadline && !(Files.exists(plot) && Files.getLastModifiedTime(plot).toMillis() != before)) {
                Thread.sleep(10);
            }
            Thread.sleep(rnd.nextInt(5, 150));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            byte[] png = Files.readAllBytes(plot);
            assertArrayEquals(IEND, Arrays.copyOfRange(png, png.length - IEND.length, png.length), "a PNG to its end");
            assertEquals(960, ImageIO.read(plot.toFile()).getWidth());
        }
        TrainingChart.write(plot, "the next write", points(3));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(plot), files.toList(), "the killed children's temporaries are gone");
        }
    }

    private static List<TrainingChart.Point> points(int n) {
        List<TrainingChart.Point> points = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            points.add(new TrainingChart.Point(e, 1.0 / e, 1.2 / e, 1 - 0.5 / e));
        }
        return points;
    }

    /** The child: draws plots of 2, 3, 4, ... epochs until it is killed. */
    public static final class Drawer {
        public static void main(String[] args) throws IOException {
            for (int n = 2; ; n++) {
                TrainingChart.write(Path.of(args[0]), "epochs " + n, points(2 + n % 200));
            }
        }
    }
}
