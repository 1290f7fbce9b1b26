package io.vecprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.cli.Main;
import io.vecprop.data.Dataset;
import io.vecprop.io.JsonReader;
import io.vecprop.io.ModelFile;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.nn.DenseNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vecprop train --spark}: the same data readers, progress and model file as training on one
 * machine, and the same numbers up to the order of summation.
 */
class TestSparkCommandLine {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> jsonLines(String out) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            lines.add((Map<String, Object>) JsonReader.parse(line));
        }
        return lines;
    }

    /** Trains with args, on one machine and with --spark local[2] plus extra, and checks both agree. */
    private Map<String, Object> trainBothWays(List<String> args, String... extra) throws IOException {
        Path localModel = dir.resolve("local.safetensors"), sparkModel = dir.resolve("spark.safetensors");
        List<String> local = new ArrayList<>(args);
        local.addAll(List.of("--format", "json", "--model-out", localModel.toString()));
        List<String> spark = new ArrayList<>(args);
        spark.addAll(List.of("--format", "json", "--model-out", sparkModel.toString(), "--spark", "local[2]"));
        spark.addAll(List.of(extra));
        Run a = run(local.toArray(String[]::new)), b = run(spark.toArray(String[]::new));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        List<Map<String, Object>> ea = jsonLines(a.out()), eb = jsonLines(b.out());
        assertEquals(ea.size(), eb.size(), "one line per epoch and one for the run");
        for (int i = 0; i < ea.size(); i++) {
            for (String key : List.of("train_loss", "validation_loss")) {
                if (ea.get(i).get(key) instanceof Number x) {
                    double y = ((Number) eb.get(i).get(key)).doubleValue();
                    assertEquals(x.doubleValue(), y, TestSparkTrainer.F64_TOLERANCE * x.doubleValue(), "line " + i + " " + key);
                }
            }
            assertEquals(ea.get(i).get("train_accuracy"), eb.get(i).get("train_accuracy"), "line " + i);
        }
        assertEquals(null, ea.getLast().get("cluster"));
        DenseNetwork na = ModelFile.read(localModel, null, KernelSelection.scalar()).network();
        DenseNetwork nb = ModelFile.read(sparkModel, null, KernelSelection.scalar()).network();
        TestSparkTrainer.assertSameWeights(na, nb, TestSparkTrainer.F64_TOLERANCE);
        return eb.getLast();
    }

    @Test
    void aCsvFileTrainsOnSparkAsOnOneMachine() throws IOException {
        Dataset blobs = Synthetic.blobs(240, 4, 3, 1.0, 5);
        StringBuilder csv = new StringBuilder("x1,x2,x3,x4,species\n");
        for (int r = 0; r < blobs.size(); r++) {
            for (int j = 0; j < 4; j++) {
                csv.append(String.format(Locale.ROOT, "%.6f,", blobs.inputs().get(r, j)));
            }
            int c = blobs.targets().get(r, 0) == 1 ? 0 : blobs.targets().get(r, 1) == 1 ? 1 : 2;
            csv.append(new String[] {"setosa", "versicolor", "virginica"}[c]).append('\n');
        }
        Path file = dir.resolve("blobs.csv");
        Files.writeString(file, csv);
        Map<String, Object> done = trainBothWays(List.of("train", "--data", file.toString(), "--label-column", "species",
                "--layers", "4,12,3", "--loss", "cross-entropy", "--epochs", "6", "--batch", "16", "--momentum", "0.9",
                "--validation", "0.2", "--scale", "standard", "--kernels", "scalar"));
        assertEquals("Spark 4.2.0 on local[2], 2 partitions", done.get("cluster"));
        assertTrue(((Number) done.get("validation_accuracy")).doubleValue() > 0.6, "it learns (a third by chance): " + done);
    }

    @Test
    void idxImagesTrainOnSparkAsOnOneMachine() throws IOException {
        // 90 images of 4x4 pixels, three classes by which quarter of the image is bright
        int n = 90;
        SplittableRandom rnd = new SplittableRandom(8);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 16), labels = ByteBuffer.allocate(8 + n);
        images.putInt(0x00000803).putInt(n).putInt(4).putInt(4);
        labels.putInt(0x00000801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            for (int p = 0; p < 16; p++) {
                boolean bright = (p / 4) / 2 == label % 2 && (p % 4) / 2 == label / 2;
                images.put((byte) (bright ? 200 + rnd.nextInt(56) : rnd.nextInt(60)));
            }
            labels.put((byte) label);
        }
        Path img = dir.resolve("train-images-idx3-ubyte"), lab = dir.resolve("train-labels-idx1-ubyte");
        Files.write(img, images.array());
        Files.write(lab, labels.array());
        Map<String, Object> done = trainBothWays(List.of("train", "--data", img.toString(), "--labels", lab.toString(),
                "--layers", "16,8,3", "--loss", "cross-entropy", "--epochs", "4", "--batch", "10", "--lr", "0.5"),
                "--spark-partitions", "3");
        assertEquals("Spark 4.2.0 on local[2], 3 partitions", done.get("cluster"));
    }

    @Test
    void textOutputHasTheRunsHeaderAndEpochLines() {
        Run r = run("train", "--data", "synthetic:blobs:n=200,features=6,classes=2", "--layers", "6,8,2", "--loss",
                "cross-entropy", "--epochs", "2", "--batch", "20", "--spark", "local[2]", "--kernels", "scalar");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].endsWith("scalar kernels, 1 thread, f64; Spark 4.2.0 on local[2], 2 partitions")
                || lines[0].contains("; Spark 4.2.0 on local[2], 2 partitions"), lines[0]);
        assertTrue(Stream.of(lines).anyMatch(l -> l.startsWith("epoch   2  loss")), r.out());
        assertTrue(lines[lines.length - 1].startsWith("done after 2 epochs"), r.out());
    }

    @Test
    void anUnreachableMasterIsOneLineExitOneAndNoFile() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path model = dir.resolve("never.safetensors");
        Run r = run("train", "--data", "synthetic:xor", "--layers", "2,2,1", "--spark", "spark://127.0.0.1:" + port,
                "--model-out", model.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().startsWith("vecprop: error: cannot reach the Spark master spark://127.0.0.1:" + port), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(model));
        Run bad = run("train", "--data", "synthetic:xor", "--layers", "2,2,1", "--spark", "local[zero]");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("vecprop: error: 'local[zero]' is not a Spark master URL"), bad.err());
    }
}
