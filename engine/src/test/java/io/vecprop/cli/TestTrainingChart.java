package io.vecprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training chart: a readable PNG of the right size, each series drawn in its colour, written atomically. */
class TestTrainingChart {

    @TempDir
    Path dir;

    static List<TrainingChart.Point> run(int epochs, IntFunction<TrainingChart.Point> point) {
        List<TrainingChart.Point> points = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            points.add(point.apply(e));
        }
        return points;
    }

    /** A run that learns: falling losses, rising accuracy (a fraction). */
    static TrainingChart.Point learning(int e) {
        return new TrainingChart.Point(e, 2.3 * Math.exp(-e / 4.0) + 0.02, 2.2 * Math.exp(-e / 4.5) + 0.06,
                0.98 - 0.9 * Math.exp(-e / 4.0));
    }

    private BufferedImage written(String name, List<TrainingChart.Point> points) throws IOException {
        Path png = dir.resolve(name);
        TrainingChart.write(png, "test run", points);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, "a PNG that ImageIO reads");
        return img;
    }

    /** How many pixels are this colour, or within a shade of it: the lines and markers of one series. */
    static int pixels(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
                        + Math.abs(p.getBlue() - c.getBlue()) < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void lossesAndAccuracyInTwoPanels() throws IOException {
        BufferedImage img = written("full.png", run(30, TestTrainingChart::learning));
        assertEquals(TrainingChart.WIDTH, img.getWidth());
        assertEquals(TrainingChart.ACCURACY_HEIGHT, img.getHeight());
        assertTrue(pixels(img, TrainingChart.TRAIN) > 200);
        assertTrue(pixels(img, TrainingChart.VALIDATION) > 200);
        assertTrue(pixels(img, TrainingChart.ACCURACY) > 200);
    }

    @Test
    void trainingLossOnlyIsOnePanelInOneColour() throws IOException {
        BufferedImage img = written("train.png", run(1000,
                e -> new TrainingChart.Point(e, 0.5 * Math.exp(-e / 300.0), Double.NaN, Double.NaN)));
        assertEquals(TrainingChart.WIDTH, img.getWidth());
        assertEquals(TrainingChart.LOSS_HEIGHT, img.getHeight());
        assertTrue(pixels(img, TrainingChart.TRAIN) > 500);
        assertEquals(0, pixels(img, TrainingChart.VALIDATION), "no validation line nor legend entry");
        assertEquals(0, pixels(img, TrainingChart.ACCURACY));
    }

    @Test
    void onePoint() throws IOException {
        BufferedImage img = written("one.png", List.of(new TrainingChart.Point(1, 0.693, 0.701, 0.52)));
        assertEquals(TrainingChart.ACCURACY_HEIGHT, img.getHeight());
        for (Color c : List.of(TrainingChart.TRAIN, TrainingChart.VALIDATION, TrainingChart.ACCURACY)) {
            assertTrue(pixels(img, c) > 0, "drawn in " + c);
        }
        // the marker: beyond the legend's pixels of the same colour
        BufferedImage lossOnly = written("one-loss.png", List.of(new TrainingChart.Point(1, 0.693, Double.NaN,
                Double.NaN)));
        assertEquals(TrainingChart.LOSS_HEIGHT, lossOnly.getHeight());
        assertTrue(pixels(lossOnly, TrainingChart.TRAIN) > pixels(legendOnly(), TrainingChart.TRAIN));
    }

    /** A chart whose only training loss cannot be drawn: its blue is the legend's alone. */
    private BufferedImage legendOnly() throws IOException {
        return written("legend.png", List.of(new TrainingChart.Point(1, Double.NaN, Double.NaN, Double.NaN)));
    }

    @Test
    void missingValidationEpochsLeaveGaps() throws IOException {
        List<TrainingChart.Point> points = run(20, e -> {
            TrainingChart.Point p = learning(e);
            return e % 5 == 0 ? p : new TrainingChart.Point(e, p.trainLoss(), Double.NaN, Double.NaN);
        });
        BufferedImage img = written("gaps.png", points);
        assertEquals(TrainingChart.ACCURACY_HEIGHT, img.getHeight());
        assertTrue(pixels(img, TrainingChart.VALIDATION) > 0);
        // no validation at all, nor accuracy: one panel, no orange, no green
        BufferedImage none = written("none.png", run(20,
                e -> new TrainingChart.Point(e, learning(e).trainLoss(), Double.NaN, Double.NaN)));
        assertEquals(TrainingChart.LOSS_HEIGHT, none.getHeight());
        assertEquals(0, pixels(none, TrainingChart.VALIDATION));
        assertEquals(0, pixels(none, TrainingChart.ACCURACY));
    }

    @Test
    void accuracyInPercentDrawsAsTheSameFraction() throws IOException {
        List<TrainingChart.Point> fraction = run(25, TestTrainingChart::learning);
        List<TrainingChart.Point> percent = fraction.stream().map(p -> new TrainingChart.Point(p.epoch(),
                p.trainLoss(), p.validationLoss(), 100 * p.validationAccuracy())).toList();
        BufferedImage a = TrainingChart.render("t", fraction);
        BufferedImage b = TrainingChart.render("t", percent);
        assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
    }

    @Test
    void oddRunsStillDraw() throws IOException {
        // losses over many decades (log scale), diverged (NaN, infinite), zero, and no epochs at all
        written("decades.png", run(1000, e -> new TrainingChart.Point(e, 0.3 * Math.pow(e, -1.5),
                0.35 * Math.pow(e, -1.2), 0.9 + 0.09 * e / 1000)));
        written("diverged.png", run(12, e -> new TrainingChart.Point(e, e < 6 ? 1.0 / e : e < 9
                ? Double.POSITIVE_INFINITY : Double.NaN, 0, Double.NaN)));
        assertEquals(TrainingChart.LOSS_HEIGHT, written("empty.png", List.of()).getHeight());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path png = dir.resolve("chart.png");
        Files.writeString(png, "not a png");
        TrainingChart.write(png, "t", run(3, TestTrainingChart::learning));
        assertEquals(TrainingChart.WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void anUnwritablePathFailsAndLeavesNoTemporaryFile() throws IOException {
        List<TrainingChart.Point> points = run(3, TestTrainingChart::learning);
        assertThrows(IOException.class, () -> TrainingChart.write(dir.resolve("missing/chart.png"), "t", points));
        // a folder in the way: the PNG is written beside it, then the rename fails
        Path folder = Files.createDirectory(dir.resolve("chart.png"));
        Files.writeString(folder.resolve("keep.txt"), "kept");
        assertThrows(IOException.class, () -> TrainingChart.write(folder, "t", points));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(folder), left.toList(), "no temporary file left");
        }
        assertEquals("kept", Files.readString(folder.resolve("keep.txt")));
    }
}
