package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.train.BatchBuffers;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ejml.data.DMatrixRMaj;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vecprop plot (several runs' JSON lines in one chart) and eval --picture (an auto-encoder's inputs
 * beside its reconstructions): what they draw, pixel by pixel where it can be computed, and every
 * refusal, with nothing written when refused.
 */
class TestPlotAndPicture {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private Path trainJson(String name, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--data", "synthetic:spirals:n=200", "--layers", "2,8,2",
                "--epochs", "4", "--format", "json"));
        args.addAll(List.of(extra));
        TestMain.Run t = run(args.toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        Path f = dir.resolve(name);
        Files.writeString(f, t.out(), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void plotDrawsEachRunInItsColourInBothPanels() throws IOException {
        Path a = trainJson("a.jsonl", "--validation", "0.25");
        Path b = trainJson("b.jsonl", "--activations", "relu");
        TestMain.Run t = run("plot", "--run", "sigmoid=" + a, "--run", b.toString(), "--out", p("c.png"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("sigmoid: 4 epochs from " + a), t.out());
        assertTrue(t.out().contains("b: 4 epochs from " + b), "the file's stem names an unnamed run: " + t.out());
        BufferedImage img = ImageIO.read(dir.resolve("c.png").toFile());
        assertEquals(TrainingChart.WIDTH, img.getWidth());
        assertEquals(TrainingChart.ACCURACY_HEIGHT, img.getHeight());

        // the same runs drawn in memory, to know where the panels are
        List<TrainingChart.Run> runs = List.of(PlotCommand.read("sigmoid", a), PlotCommand.read("b", b));
        assertTrue(runs.get(0).validation(), "a run with --validation draws its validation loss");
        assertFalse(runs.get(1).validation(), "one without draws its training loss");
        assertTrue(Double.isFinite(runs.get(1).points().get(0).validationAccuracy()), "training accuracy in its place");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage mem = TrainingChart.renderRuns("t", runs, info);
        List<Rectangle2D> panels = TestTrainingChart.panels(info);
        assertEquals(2, panels.size());
        for (int r = 0; r < 2; r++) {
            for (int panel = 0; panel < 2; panel++) {
                int n = TestTrainingChart.pixels(mem, panels.get(panel), TrainingChart.RUN_COLOURS[r]);
                assertTrue(n > 50, "run " + r + " in panel " + panel + ": " + n + " pixels");
            }
        }
        assertEquals(0, TestTrainingChart.pixels(mem, panels.get(0), TrainingChart.RUN_COLOURS[2]), "no third run");
    }

    @Test
    void plotRefusesBadRunsAndWritesNothing() throws IOException {
        Path a = trainJson("a.jsonl");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "vecprop: error: something\n");
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"event\": \"epoch\", \"epoch\": \n");
        String[][] exit2 = {
            {"--run", "x=" + a, "--run", "x=" + a, "--out", p("o.png")}, // one name twice
            {"--run", a.toString(), "--out", p("o.jpg")}, // not a PNG
            {"--run", "x=" + a, "--out", a.toString()}, // the input as the output
            {"--run", "x=", "--out", p("o.png")}, // no file
            {"--out", p("o.png")}, // no run
            {"--run", "a=" + a, "--run", "b=" + a, "--run", "c=" + a, "--run", "d=" + a, "--run", "e=" + a, "--run",
                "f=" + a, "--run", "g=" + a, "--run", "h=" + a, "--run", "i=" + a, "--out", p("o.png")}, // 9 runs
        };
        String before = Files.readString(a);
        for (String[] args : exit2) {
            List<String> all = new ArrayList<>(List.of("plot"));
            all.addAll(List.of(args));
            TestMain.Run t = run(all.toArray(String[]::new));
            assertEquals(2, t.code(), String.join(" ", args) + ": " + t.err());
            assertEquals(1, t.err().strip().lines().count(), "one line: " + t.err());
        }
        assertEquals(before, Files.readString(a), "the run's file survives being named as the output");
        String[][] exit1 = {
            {p("missing.jsonl"), "no such file"},
            {empty.toString(), "no epoch lines"},
            {broken.toString(), "line 1: not JSON"},
        };
        for (String[] c : exit1) {
            TestMain.Run t = run("plot", "--run", c[0], "--out", p("o.png"));
            assertEquals(1, t.code(), t.err());
            assertTrue(t.err().contains(c[1]), t.err());
        }
        assertFalse(Files.exists(dir.resolve("o.png")));
        assertFalse(Files.exists(dir.resolve("o.jpg")));
    }

    @Test
    void pictureShowsInputsAndReconstructionsOnTheInputsGreyScale() {
        // a 6-3-6 auto-encoder on 4 samples of 2x3 images
        Network net = Network.builder().input(6).dense(3, Activation.RELU).dense(6, Activation.SIGMOID)
                .loss(Loss.HALF_SQUARED_ERROR).seed(5).build(Kernels.scalar());
        DMatrixRMaj x = new DMatrixRMaj(4, 6);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = Math.floorMod(i * 7, 11) / 10.0;
        }
        Dataset data = new Dataset("four", x, x.copy(), List.of());
        ReconstructionPicture.Shape shape = ReconstructionPicture.Shape.of("2x3", 6);
        BufferedImage img = ReconstructionPicture.render("t", net, data, shape, 3);
        int scale = ReconstructionPicture.CELL / 3; // the longer side, 3 pixels, to CELL screen pixels
        int cw = 3 * scale, ch = 2 * scale;
        assertEquals(2 * ReconstructionPicture.MARGIN + ReconstructionPicture.LABEL + 3 * cw + 2 * ReconstructionPicture.GAP,
                img.getWidth(), "three samples drawn, not four");
        assertEquals(ReconstructionPicture.TITLE + 2 * ch + ReconstructionPicture.GAP + ReconstructionPicture.MARGIN,
                img.getHeight());
        BatchBuffers b = BatchBuffers.of(net, 4);
        b.gatherInputs(data, 0, 4);
        b.forward();
        for (int r = 0; r < 3; r++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 6; j++) {
                lo = Math.min(lo, x.get(r, j));
                hi = Math.max(hi, x.get(r, j));
            }
            int left = ReconstructionPicture.MARGIN + ReconstructionPicture.LABEL + r * (cw + ReconstructionPicture.GAP);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    int px = left + j * scale + scale / 2;
                    int in = grey(img, px, ReconstructionPicture.TITLE + i * scale + scale / 2);
                    int out = grey(img, px, ReconstructionPicture.TITLE + ch + ReconstructionPicture.GAP + i * scale + scale / 2);
                    double v = x.get(r, i * 3 + j), y = b.value(r, i * 3 + j);
                    assertEquals((int) Math.round(255 * (v - lo) / (hi - lo)), in, "input " + r + " pixel " + i + "," + j);
                    assertEquals((int) Math.round(255 * Math.clamp((y - lo) / (hi - lo), 0, 1)), out,
                            "reconstruction " + r + " pixel " + i + "," + j);
                }
            }
        }
    }

    private static int grey(BufferedImage img, int x, int y) {
        Color c = new Color(img.getRGB(x, y));
        assertArrayEquals(new int[] {c.getRed(), c.getRed()}, new int[] {c.getGreen(), c.getBlue()}, "grey at " + x + "," + y);
        return c.getRed();
    }

    @Test
    void imageShapesAreSquareByDefaultAndCheckedWhenGiven() {
        assertEquals(new ReconstructionPicture.Shape(28, 28), ReconstructionPicture.Shape.of(null, 784));
        assertEquals(new ReconstructionPicture.Shape(4, 8), ReconstructionPicture.Shape.of("4X8", 32));
        String[][] bad = {{null, "12", "not a square number"}, {"3x5", "16", "15 pixels, but the model takes 16"},
            {"4", "16", "expected HxW"}, {"0x16", "0", "at least 1"}, {"axb", "16", "expected HxW"}};
        for (String[] c : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReconstructionPicture.Shape.of(c[0], Integer.parseInt(c[1])));
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
    }

    @Test
    void evalDrawsAnAutoencodersPictureAndRefusesItForOtherModels() throws IOException {
        String blobs = "synthetic:blobs:n=300,features=16,classes=3";
        TestMain.Run t = run("train", "--data", blobs, "--autoencoder", "--layers", "16,4,16", "--scale", "minmax",
                "--epochs", "2", "--model-out", p("ae.safetensors"));
        assertEquals(0, t.code(), t.err());
        TestMain.Run e = run("eval", "--model", p("ae.safetensors"), "--data", blobs, "--picture", p("ae.png"),
                "--picture-count", "5");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("picture: " + p("ae.png") + " (5 samples, 4x4)"), e.out());
        BufferedImage img = ImageIO.read(dir.resolve("ae.png").toFile());
        int cw = 4 * (ReconstructionPicture.CELL / 4);
        assertEquals(2 * ReconstructionPicture.MARGIN + ReconstructionPicture.LABEL + 5 * cw + 4 * ReconstructionPicture.GAP,
                img.getWidth());
        TestMain.Run j = run("eval", "--model", p("ae.safetensors"), "--data", blobs, "--picture", p("ae2.png"),
                "--format", "json");
        assertEquals(0, j.code(), j.err());
        assertTrue(j.out().contains("\"picture\": \"" + p("ae2.png").replace("\\", "\\\\") + "\""), j.out());

        TestMain.Run c = run("train", "--data", blobs, "--layers", "16,4,3", "--epochs", "1", "--model-out", p("c.safetensors"));
        assertEquals(0, c.code(), c.err());
        byte[] model = Files.readAllBytes(dir.resolve("ae.safetensors"));
        String[][] exit2 = {
            {"--model", p("c.safetensors"), "--picture", p("x.png"), "was not trained with --autoencoder"},
            {"--model", p("ae.safetensors"), "--picture", p("x.png"), "--image-shape", "2x9", "18 pixels, but the model takes 16"},
            {"--model", p("ae.safetensors"), "--picture-count", "3", "--picture-count applies to --picture"},
            {"--model", p("ae.safetensors"), "--image-shape", "4x4", "--image-shape applies to --picture"},
            {"--model", p("ae.safetensors"), "--picture", p("ae.safetensors"), "name must end in .png"},
            {"--model", p("ae.safetensors"), "--picture", p("x.png"), "--picture-count", "0", "--picture-count"},
        };
        for (String[] a : exit2) {
            List<String> args = new ArrayList<>(List.of("eval", "--data", blobs));
            args.addAll(List.of(a).subList(0, a.length - 1));
            TestMain.Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", a) + ": " + r.err());
            assertTrue(r.err().contains(a[a.length - 1]), r.err());
        }
        assertFalse(Files.exists(dir.resolve("x.png")), "nothing drawn when refused");
        assertArrayEquals(model, Files.readAllBytes(dir.resolve("ae.safetensors")));
    }
}
