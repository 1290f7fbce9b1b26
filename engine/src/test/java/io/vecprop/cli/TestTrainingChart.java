package io.vecprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training chart: a readable PNG of the right size, each series drawn in its colour in its panel,
 * written atomically, drawn without a display.
 */
public class TestTrainingChart {

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
    public static int pixels(BufferedImage img, Color c) {
        return pixels(img, new Rectangle2D.Double(0, 0, img.getWidth(), img.getHeight()), c);
    }

    /** The same within an area of the image (a panel's plot area, as JFreeChart reports it). */
    public static int pixels(BufferedImage img, Rectangle2D area, Color c) {
        int n = 0;
        for (int y = (int) Math.max(0, area.getMinY()); y < Math.min(img.getHeight(), area.getMaxY()); y++) {
            for (int x = (int) Math.max(0, area.getMinX()); x < Math.min(img.getWidth(), area.getMaxX()); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
                        + Math.abs(p.getBlue() - c.getBlue()) < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The plot areas of the panels JFreeChart drew, top to bottom. */
    static List<Rectangle2D> panels(ChartRenderingInfo info) {
        PlotRenderingInfo plot = info.getPlotInfo();
        List<Rectangle2D> areas = new ArrayList<>();
        for (int i = 0; i < plot.getSubplotCount(); i++) {
            areas.add(plot.getSubplotInfo(i).getDataArea());
        }
        return areas;
    }

    private static int[] rgb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void lossesAndAccuracyInTwoPanels() throws IOException {
        List<TrainingChart.Point> points = run(30, TestTrainingChart::learning);
        BufferedImage img = written("full.png", points);
        assertEquals(TrainingChart.WIDTH, img.getWidth());
        assertEquals(TrainingChart.ACCURACY_HEIGHT, img.getHeight());
        assertTrue(pixels(img, TrainingChart.TRAIN) > 200);
        assertTrue(pixels(img, TrainingChart.VALIDATION) > 200);
        assertTrue(pixels(img, TrainingChart.ACCURACY) > 200);
        // the file is the image drawn with its layout: the losses in the upper panel, accuracy alone below
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage drawn = TrainingChart.render("test run", points, info);
        assertArrayEquals(rgb(drawn), rgb(img));
        List<Rectangle2D> panels = panels(info);
        assertEquals(2, panels.size());
        Rectangle2D loss = panels.get(0), accuracy = panels.get(1);
        assertTrue(loss.getHeight() > 250 && accuracy.getHeight() > 120 && loss.getWidth() > 800, panels.toString());
        assertTrue(loss.getMaxY() < accuracy.getMinY(), panels.toString());
        assertTrue(pixels(img, loss, TrainingChart.TRAIN) > 200);
        assertTrue(pixels(img, loss, TrainingChart.VALIDATION) > 200);
        assertEquals(0, pixels(img, loss, TrainingChart.ACCURACY));
        assertTrue(pixels(img, accuracy, TrainingChart.ACCURACY) > 200);
        assertEquals(0, pixels(img, accuracy, TrainingChart.TRAIN) + pixels(img, accuracy, TrainingChart.VALIDATION));
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
        ChartRenderingInfo info = new ChartRenderingInfo();
        TrainingChart.render("t", run(1000, e -> new TrainingChart.Point(e, 0.5 * Math.exp(-e / 300.0), Double.NaN,
                Double.NaN)), info);
        List<Rectangle2D> panels = panels(info);
        assertEquals(1, panels.size());
        assertTrue(pixels(img, panels.get(0), TrainingChart.TRAIN) > 500, "the line in the one panel");
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

    /** Drawing needs no display and sets nothing for the whole JVM: a child with neither draws, then says so. */
    @Test
    void drawsWithoutADisplayAndLeavesTheHeadlessPropertyUnset() throws Exception {
        Path png = dir.resolve("child.png");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DrawOnce.class.getName(), png.toString())
                .redirectErrorStream(true);
        pb.environment().remove("DISPLAY");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch("java.awt.headless=null"::equals), out);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(TrainingChart.WIDTH, img.getWidth());
        assertTrue(pixels(img, TrainingChart.ACCURACY) > 200);
    }

    /** The child: one chart, then the headless property as drawing left it. */
    public static final class DrawOnce {
        public static void main(String[] args) throws IOException {
            TrainingChart.write(Path.of(args[0]), "no display", run(30, TestTrainingChart::learning));
            System.out.println("java.awt.headless=" + System.getProperty("java.awt.headless"));
        }
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
