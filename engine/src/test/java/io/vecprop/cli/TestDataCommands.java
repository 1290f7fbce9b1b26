package io.vecprop.cli;

import static io.vecprop.cli.TestMain.object;
import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.data.Dataset;
import io.vecprop.io.JsonReader;
import io.vecprop.io.ModelFile;
import io.vecprop.io.Safetensors;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --data, eval and predict, end to end through Main. */
class TestDataCommands {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoDescribesASavedModelLayerByLayer() throws IOException {
        TestMain.Run t = run("train", "--data", "synthetic:blobs:n=300,features=6,classes=4", "--layers", "6,20,9,4",
                "--loss", "cross-entropy", "--epochs", "1", "--scale", "minmax", "--precision", "f32",
                "--model-out", p("m.safetensors"), "--kernels", "scalar");
        assertEquals(0, t.code(), t.err());
        TestMain.Run text = run("info", "--model", p("m.safetensors"));
        assertEquals(0, text.code(), text.err());
        // (in + 1) · out per layer: 7 · 20, 21 · 9, 10 · 4
        assertTrue(text.out().contains("network     6-20-9-4, f32 (stored as F32)"), text.out());
        assertTrue(text.out().contains("0       6 -> 20        sigmoid    140\n"), text.out());
        assertTrue(text.out().contains("1       20 -> 9        sigmoid    189\n"), text.out());
        assertTrue(text.out().contains("2       9 -> 4         softmax    40\n"), text.out());
        assertTrue(text.out().contains("total   369 parameters"), text.out());
        assertTrue(text.out().contains("scaling     minmax"), text.out());
        assertTrue(text.out().contains("classes     4: 0, 1, 2, 3"), text.out());

        TestMain.Run json = run("info", "--model", p("m.safetensors"), "--format", "json");
        Map<String, Object> m = object(JsonReader.parse(json.out()));
        assertEquals("f32", m.get("precision"));
        assertEquals("cross-entropy", m.get("loss"));
        assertEquals(369L, m.get("parameters"));
        assertEquals(List.of(6L, 20L, 9L, 4L), m.get("widths"));
        List<Object> layers = (List<Object>) m.get("layers");
        assertEquals(3, layers.size());
        assertEquals("softmax", object(layers.get(2)).get("activation"));
        assertEquals(189L, object(layers.get(1)).get("parameters"));
        // and the parameters agree with the tensors the file holds
        ModelFile.Model read = ModelFile.read(dir.resolve("m.safetensors"), Kernels.scalar());
        assertEquals(369, read.network().parameterCount());

        TestMain.Run both = run("info", "--model", p("m.safetensors"), "--parity");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--model and --parity are two different reports"), both.err());
        TestMain.Run missing = run("info", "--model", p("none.safetensors"));
        assertEquals(1, missing.code(), missing.err()); // as eval and predict say it
        assertTrue(missing.err().contains("none.safetensors"), missing.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainSavesAModelThatEvalAndPredictReadBackExactly() throws IOException {
        TestMain.Run t = run("train", "--data", "synthetic:blobs:n=600,features=12,classes=3", "--layers", "12,32,3",
                "--loss", "cross-entropy", "--epochs", "4", "--batch", "16", "--momentum", "0.9", "--validation", "0.2",
                "--scale", "standard", "--model-out", p("m.safetensors"), "--plot", p("m.png"), "--kernels", "scalar");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("480 samples + 120 held out for validation, 3 classes"), t.out());
        assertTrue(t.out().contains("epoch   4"), t.out());
        assertTrue(t.out().contains("saved the model to"), t.out());
        assertEquals(960, ImageIO.read(dir.resolve("m.png").toFile()).getWidth());

        // eval on fresh points of the same blobs: the model's scaling applies to raw data
        TestMain.Run e = run("eval", "--model", p("m.safetensors"), "--data", "synthetic:blobs:n=600,features=12,classes=3,draw=1",
                "--format", "json", "--kernels", "scalar");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> m = object(JsonReader.parse(e.out()));
        assertEquals(600L, m.get("samples"));
        assertTrue((Double) m.get("accuracy") > 0.95, e.out());
        // per class: precision, recall, F1 and support, macro averages, the confusion matrix
        List<Object> perClass = (List<Object>) m.get("classes");
        assertEquals(3, perClass.size());
        assertEquals(600L, object(m.get("macro")).get("support"));
        long diagonal = 0, total = 0;
        List<Object> confusion = (List<Object>) m.get("confusion");
        for (int a = 0; a < 3; a++) {
            List<Object> row = (List<Object>) confusion.get(a);
            diagonal += (Long) row.get(a);
            for (Object v : row) {
                total += (Long) v;
            }
            assertEquals(object(perClass.get(a)).get("support"), row.stream().mapToLong(v -> (Long) v).sum());
        }
        assertEquals(600, total);
        assertEquals((Double) m.get("accuracy"), diagonal / 600.0, 0.0);
        TestMain.Run table = run("eval", "--model", p("m.safetensors"), "--data", "synthetic:blobs:n=600,features=12,classes=3,draw=1",
                "--kernels", "scalar");
        assertTrue(table.out().contains("class      precision  recall      f1  support\n"), table.out());
        assertTrue(table.out().contains("macro avg "), table.out());
        assertTrue(table.out().contains("confusion (rows: the true class, columns: the predicted one)"), table.out());

        // predict writes each output so that it reads back to the model's own double
        Path csv = dir.resolve("pred.csv");
        TestMain.Run pr = run("predict", "--model", p("m.safetensors"), "--data", "synthetic:blobs:n=600,features=12,classes=3,draw=1",
                "--out", csv.toString(), "--kernels", "scalar");
        assertEquals(0, pr.code(), pr.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("0,1,2", lines.getFirst());
        assertEquals(601, lines.size());
        ModelFile.Model model = ModelFile.read(dir.resolve("m.safetensors"), Kernels.scalar());
        Dataset fresh = Synthetic.blobs(600, 12, 3, 1.0, 1, 1);
        model.scaler().apply(fresh.inputs());
        DMatrixRMaj out = ((Network) model.network()).forward(fresh.inputs());
        for (int i = 0; i < 600; i++) {
            String[] cells = lines.get(i + 1).split(",");
            for (int j = 0; j < 3; j++) {
                assertEquals(out.get(i, j), Double.parseDouble(cells[j]), 0.0, "row " + i + " output " + j);
            }
        }
        TestMain.Run am = run("predict", "--model", p("m.safetensors"), "--data", "synthetic:blobs:n=600,features=12,classes=3,draw=1",
                "--argmax", "--kernels", "scalar");
        List<String> classes = am.out().lines().toList();
        assertEquals("class", classes.getFirst());
        long right = 0;
        for (int i = 0; i < 600; i++) {
            int truth = (int) Math.round(fresh.targets().get(i, 1) + 2 * fresh.targets().get(i, 2));
            right += Integer.parseInt(classes.get(i + 1)) == truth ? 1 : 0;
        }
        assertTrue(right > 570, right + " of 600 right");
    }

    @Test
    void jsonFormatPrintsOnlyJsonLines() {
        TestMain.Run t = run("train", "--data", "synthetic:xor:copies=2", "--layers", "2,4,1", "--epochs", "3", "--batch", "4",
                "--format", "json", "--kernels", "scalar");
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().lines().toList();
        assertEquals(4, lines.size(), t.out());
        for (int i = 0; i < 3; i++) {
            Map<String, Object> e = object(JsonReader.parse(lines.get(i)));
            assertEquals("epoch", e.get("event"));
            assertEquals((long) i + 1, e.get("epoch"));
            assertTrue(e.containsKey("train_loss") && e.containsKey("samples_per_second"));
            assertEquals(null, e.get("validation_loss"), "no validation set: null");
        }
        Map<String, Object> done = object(JsonReader.parse(lines.get(3)));
        assertEquals("done", done.get("event"));
        assertEquals(3L, done.get("epochs"));
    }

    @Test
    void sameSeedSameModelOnOneAndTwoThreads() throws IOException {
        for (String precision : new String[] {"f64", "f32"}) {
            for (String threads : new String[] {"1", "2"}) {
                TestMain.Run t = run("train", "--data", "synthetic:spirals:n=400", "--layers", "2,64,2", "--loss", "cross-entropy",
                        "--epochs", "3", "--batch", "25", "--momentum", "0.5", "--seed", "9", "--threads", threads,
                        "--precision", precision, "--model-out", p(precision + "-t" + threads + ".safetensors"));
                assertEquals(0, t.code(), t.err());
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve(precision + "-t1.safetensors")),
                    Files.readAllBytes(dir.resolve(precision + "-t2.safetensors")), precision);
        }
    }

    /**
     * Float end to end: train in f32 (the model file holds F32 tensors), eval and predict in the
     * file's precision, predict's cells read back to the model's own floats, and resuming with
     * --precision f64 converts and says so.
     */
    @Test
    void aFloatModelTrainsEvaluatesPredictsAndResumesInDouble() throws IOException {
        String data = "synthetic:blobs:n=600,features=12,classes=3";
        TestMain.Run t = run("train", "--data", data, "--layers", "12,32,3", "--loss", "cross-entropy", "--epochs", "4",
                "--batch", "16", "--momentum", "0.9", "--scale", "standard", "--precision", "f32", "--model-out", p("f.safetensors"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().matches("(?s).*kernels.*, \\d+ threads?, f32\\n.*"), t.out());
        Safetensors.read(dir.resolve("f.safetensors")).tensors().forEach((name, tensor) -> assertEquals("F32", tensor.dtype(), name));

        TestMain.Run e = run("eval", "--model", p("f.safetensors"), "--data", data + ",draw=1", "--format", "json");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> m = object(JsonReader.parse(e.out()));
        assertEquals("f32", m.get("precision"));
        assertTrue((Double) m.get("accuracy") > 0.95, e.out());
        TestMain.Run e64 = run("eval", "--model", p("f.safetensors"), "--data", data + ",draw=1", "--format", "json",
                "--precision", "f64");
        Map<String, Object> m64 = object(JsonReader.parse(e64.out()));
        assertEquals("f64", m64.get("precision"));
        // the same weights (widened exactly), computed in double: the losses agree to float's precision
        assertEquals((Double) m64.get("loss"), (Double) m.get("loss"), 1e-5 * (Double) m64.get("loss"));

        TestMain.Run pr = run("predict", "--model", p("f.safetensors"), "--data", data + ",draw=1", "--kernels", "scalar");
        assertEquals(0, pr.code(), pr.err());
        List<String> lines = pr.out().lines().toList();
        ModelFile.Model model = ModelFile.read(dir.resolve("f.safetensors"), null, io.vecprop.kernels.KernelSelection.scalar());
        Dataset fresh = Synthetic.blobs(600, 12, 3, 1.0, 1, 1);
        model.scaler().apply(fresh.inputs());
        org.ejml.data.FMatrixRMaj x = new org.ejml.data.FMatrixRMaj(600, 12);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) fresh.inputs().data[i];
        }
        org.ejml.data.FMatrixRMaj out = ((io.vecprop.nn.NetworkF32) model.network()).forward(x);
        for (int i = 0; i < 600; i++) {
            String[] cells = lines.get(i + 1).split(",");
            for (int j = 0; j < 3; j++) {
                assertEquals(out.get(i, j), Float.parseFloat(cells[j]), 0.0f, "row " + i + " output " + j);
                assertTrue(cells[j].length() <= 16, "the float's own shortest form, not a widened double: " + cells[j]);
            }
        }

        TestMain.Run resume = run("train", "--data", data, "--init", p("f.safetensors"), "--epochs", "1", "--precision", "f64",
                "--model-out", p("d.safetensors"));
        assertEquals(0, resume.code(), resume.err());
        assertTrue(resume.out().contains("converted f.safetensors's F32 weights to f64"), resume.out());
        Safetensors.read(dir.resolve("d.safetensors")).tensors().forEach((name, tensor) -> assertEquals("F64", tensor.dtype(), name));
    }

    @Test
    void csvWithALabelColumnTrainsAndKeepsTheClassNames() throws IOException {
        // two clusters in the plane with text labels, label in the middle column
        StringBuilder sb = new StringBuilder("x,species,y\n");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            boolean a = i % 2 == 0;
            sb.append(String.format(Locale.ROOT, "%.4f,%s,%.4f%n", (a ? 10 : 20) + rnd.nextGaussian(),
                    a ? "setosa" : "\"virginica, tall\"", (a ? 100 : 90) + rnd.nextGaussian()));
        }
        Path data = dir.resolve("flowers.csv");
        Files.writeString(data, sb.toString());
        TestMain.Run t = run("train", "--data", data.toString(), "--label-column", "species", "--scale", "minmax",
                "--layers", "2,8,2", "--loss", "cross-entropy", "--epochs", "30", "--batch", "10", "--lr", "0.5",
                "--model-out", p("f.safetensors"), "--kernels", "scalar");
        assertEquals(0, t.code(), t.err());
        TestMain.Run pr = run("predict", "--model", p("f.safetensors"), "--data", data.toString(), "--label-column", "species",
                "--argmax", "--kernels", "scalar");
        assertEquals(0, pr.code(), pr.err());
        List<String> lines = pr.out().lines().toList();
        assertEquals("setosa", lines.get(1));
        assertEquals("\"virginica, tall\"", lines.get(2));
        TestMain.Run e = run("eval", "--model", p("f.safetensors"), "--data", data.toString(), "--label-column", "species");
        assertTrue(e.out().contains("accuracy 100.00%"), e.out());
    }

    @Test
    void csvWithTargetColumnsAndInitResumesFromASavedModel() throws IOException {
        // inputs a, b and the target a XOR b in the last column, 4 copies
        Path data = dir.resolve("xor.csv");
        Files.writeString(data, "0,0,0\n0,1,1\n1,0,1\n1,1,0\n".repeat(4));
        TestMain.Run first = run("train", "--data", data.toString(), "--layers", "2,4,1", "--epochs", "2", "--batch", "4",
                "--lr", "2", "--seed", "3", "--no-shuffle", "--model-out", p("x1.safetensors"), "--kernels", "scalar");
        assertEquals(0, first.code(), first.err());
        // 2 epochs then 3 more from the saved weights equal 5 epochs from the start, in the file's order
        TestMain.Run resumed = run("train", "--data", data.toString(), "--init", p("x1.safetensors"), "--epochs", "3",
                "--batch", "4", "--lr", "2", "--no-shuffle", "--model-out", p("x2.safetensors"), "--kernels", "scalar");
        assertEquals(0, resumed.code(), resumed.err());
        TestMain.Run straight = run("train", "--data", data.toString(), "--layers", "2,4,1", "--epochs", "5", "--batch", "4",
                "--lr", "2", "--seed", "3", "--no-shuffle", "--model-out", p("x5.safetensors"), "--kernels", "scalar");
        assertEquals(0, straight.code(), straight.err());
        Network a = (Network) ModelFile.read(dir.resolve("x2.safetensors"), Kernels.scalar()).network();
        Network b = (Network) ModelFile.read(dir.resolve("x5.safetensors"), Kernels.scalar()).network();
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(b.layer(l).weights().data, a.layer(l).weights().data);
        }
        // predict takes inputs alone or inputs with targets
        Path inputsOnly = dir.resolve("in.csv");
        Files.writeString(inputsOnly, "a,b\n0,1\n1,1\n");
        TestMain.Run pr = run("predict", "--model", p("x5.safetensors"), "--data", inputsOnly.toString());
        assertEquals(0, pr.code(), pr.err());
        assertEquals(3, pr.out().lines().count());
        assertEquals("out0", pr.out().lines().findFirst().orElseThrow());
    }

    @Test
    void badInputGivesOneLineAndANonZeroExit() throws IOException {
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "1,2,3\n4,5\n");
        assertFails(1, "ragged.csv:2", "train", "--data", ragged.toString(), "--layers", "2,3,1");
        Path wide = dir.resolve("wide.csv");
        Files.writeString(wide, "1,2,3,4\n");
        assertFails(1, "wide.csv:1: more than 3 columns, but the network takes 2 inputs and has 1 outputs", "train", "--data", wide.toString(), "--layers", "2,3,1");
        assertFails(2, "--data needs --layers", "train", "--data", "synthetic:xor");
        assertFails(2, "--epochs needs --data", "train", "--epochs", "3");
        assertFails(2, "--spark needs --data", "train", "--spark", "local[2]");
        assertFails(2, "--spark-partitions", "train", "--data", "synthetic:xor", "--layers", "2,2,1", "--spark", "--spark-partitions", "0");
        // the engine alone has no Spark: the flag says where it comes from, and nothing is written
        assertFails(1, "no spark support on the class path: it comes with the vecprop-spark module", "train", "--data",
                "synthetic:xor", "--layers", "2,2,1", "--spark", "local[2]", "--model-out", p("never.safetensors"));
        assertFalse(Files.exists(dir.resolve("never.safetensors")));
        assertFails(2, "'--layers'", "train", "--data", "synthetic:xor", "--layers", "2");
        assertFails(2, "cross-entropy", "train", "--data", "synthetic:xor", "--layers", "2,1", "--loss", "hinge");
        assertFails(2, "--validation", "train", "--data", "synthetic:xor", "--layers", "2,2,1", "--validation", "0.01");
        assertFails(1, "unknown data set 'moons'", "train", "--data", "synthetic:moons", "--layers", "2,1");
        assertFails(1, "no such file", "eval", "--model", p("missing.safetensors"), "--data", "synthetic:xor");
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        assertFails(1, "junk.safetensors", "predict", "--model", junk.toString(), "--data", "synthetic:xor");
        assertFails(1, "labels", "train", "--data", p("train-images-idx3-ubyte"), "--layers", "784,10");
        // a failed run leaves no model or plot behind
        assertFalse(Files.exists(dir.resolve("none.safetensors")));
        assertFails(1, "ragged.csv", "train", "--data", ragged.toString(), "--layers", "2,3,1", "--model-out",
                p("none.safetensors"), "--plot", p("none.png"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("none")
                    || f.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    private static void assertFails(int code, String part, String... args) {
        TestMain.Run r = run(args);
        assertEquals(code, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(part), "\"" + r.err() + "\" should contain \"" + part + "\"");
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
