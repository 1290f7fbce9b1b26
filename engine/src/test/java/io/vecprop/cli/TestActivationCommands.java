package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.JsonReader;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.Activation;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --activations, --weight-init, --loss mse and binary-cross-entropy, --autoencoder and predict --layer, end to end. */
class TestActivationCommands {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void regressionOnMseAndALinearOutputReachesAnR2Above095() throws IOException {
        TestMain.Run t = run("train", "--data", "synthetic:regression", "--layers", "8,64,1", "--activations", "tanh,linear",
                "--scale", "standard", "--epochs", "60", "--lr", "0.05", "--model-out", p("r.safetensors"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("training 8-64-1 (tanh, linear, mse)"), "the loss that fits a linear output: " + t.out());
        ModelFile.Model m = ModelFile.read(dir.resolve("r.safetensors"), Kernels.scalar());
        assertEquals(List.of(Activation.TANH, Activation.LINEAR), m.network().activations());
        assertEquals(Loss.MSE, m.network().lossFunction());
        // fresh points of the same function: the held-out R²
        TestMain.Run e = run("eval", "--model", p("r.safetensors"), "--data", "synthetic:regression:draw=1", "--format", "json");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> j = object(JsonReader.parse(e.out()));
        double r2 = (Double) j.get("r2");
        assertTrue(r2 >= 0.95, "R² " + r2);
        assertEquals((Double) j.get("loss"), (Double) j.get("mse"), 1e-12, "mse's loss is the MSE");
        TestMain.Run text = run("eval", "--model", p("r.safetensors"), "--data", "synthetic:regression:draw=1");
        assertTrue(text.out().contains("regression: mse "), text.out());
    }

    @Test
    void numericTargetsOutsideTheSigmoidGetANote() {
        TestMain.Run t = run("train", "--data", "synthetic:regression:n=200", "--layers", "8,16,1", "--epochs", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("half-squared-error"), t.out());
        assertTrue(t.out().contains("outside the sigmoid output's (0, 1)") && t.out().contains("--loss mse"), t.out());
        TestMain.Run fine = run("train", "--data", "synthetic:xor", "--layers", "2,4,1", "--epochs", "1");
        assertFalse(fine.out().contains("outside the sigmoid"), fine.out());
    }

    @Test
    void reluAndSoftmaxTrainAndTheModelRemembersThem() throws IOException {
        TestMain.Run t = run("train", "--data", "synthetic:spirals:n=400", "--layers", "2,32,32,2", "--activations", "relu",
                "--weight-init", "he", "--epochs", "2", "--model-out", p("s.safetensors"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("(relu x2, softmax, cross-entropy)"), t.out());
        TestMain.Run info = run("info", "--model", p("s.safetensors"));
        assertTrue(info.out().contains("relu") && info.out().contains("softmax"), info.out());
        ModelFile.Model m = ModelFile.read(dir.resolve("s.safetensors"), Kernels.scalar());
        assertEquals(List.of(Activation.RELU, Activation.RELU, Activation.SOFTMAX), m.network().activations());
        // from the model: the same layers, or a conflict
        TestMain.Run again = run("train", "--data", "synthetic:spirals:n=400", "--init", p("s.safetensors"), "--epochs", "1",
                "--activations", "relu");
        assertEquals(0, again.code(), again.err());
        TestMain.Run other = run("train", "--data", "synthetic:spirals:n=400", "--init", p("s.safetensors"), "--epochs", "1",
                "--activations", "tanh");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("disagrees with --init"), other.err());
    }

    @Test
    void multiLabelOnBinaryCrossEntropy() throws IOException {
        // targets in [0, 1] per output, each its own yes/no: a CSV of 3 inputs and 2 targets
        StringBuilder csv = new StringBuilder();
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            double a = rnd.nextDouble(), b = rnd.nextDouble(), c = rnd.nextDouble();
            csv.append(a).append(',').append(b).append(',').append(c).append(',').append(a > 0.5 ? 1 : 0).append(',')
                    .append(b + c > 1 ? 1 : 0).append('\n');
        }
        Files.writeString(dir.resolve("ml.csv"), csv);
        TestMain.Run t = run("train", "--data", p("ml.csv"), "--layers", "3,16,2", "--activations", "relu,sigmoid",
                "--loss", "binary-cross-entropy", "--epochs", "30", "--lr", "0.5", "--format", "json");
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().lines().toList();
        double first = (Double) object(JsonReader.parse(lines.getFirst())).get("train_loss");
        double last = (Double) object(JsonReader.parse(lines.getLast())).get("train_loss");
        assertTrue(last < 0.6 * first, first + " -> " + last);
    }

    @Test
    void autoencoderReconstructsAndPredictWritesTheCode() throws IOException {
        TestMain.Run t = run("train", "--data", "synthetic:blobs:n=600,features=16,classes=4,spread=0.3", "--autoencoder", "--layers",
                "16,4,16", "--activations", "relu,linear", "--loss", "mse", "--scale", "standard", "--epochs", "30",
                "--momentum", "0.9", "--lr", "0.02", "--model-out", p("ae.safetensors"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("auto-encoder"), t.out());
        TestMain.Run e = run("eval", "--model", p("ae.safetensors"), "--data", "synthetic:blobs:n=600,features=16,classes=4,spread=0.3,draw=1",
                "--format", "json");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> j = object(JsonReader.parse(e.out()));
        assertEquals(Boolean.TRUE, j.get("autoencoder"));
        // four tight blobs: a code of 4 units holds where a point is, all but its small spread
        assertTrue((Double) j.get("r2") > 0.7, "reconstruction R² " + j.get("r2"));
        TestMain.Run code = run("predict", "--model", p("ae.safetensors"), "--data", "synthetic:blobs:n=10,features=16,classes=4",
                "--layer", "1");
        assertEquals(0, code.code(), code.err());
        List<String> rows = code.out().lines().toList();
        assertEquals("h0,h1,h2,h3", rows.getFirst());
        assertEquals(11, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            for (String v : row.split(",")) {
                assertTrue(Double.parseDouble(v) >= 0, "relu codes are never negative: " + row);
            }
        }
        TestMain.Run out = run("predict", "--model", p("ae.safetensors"), "--data", "synthetic:blobs:n=10,features=16,classes=4");
        assertEquals(0, out.code(), out.err());
        out.out().lines().forEach(l -> assertEquals(16, l.split(",").length, "16 reconstructed values per row: " + l));
    }

    @Test
    void badValuesAreRefusedWithOneLineAndExit2() {
        String[][] bad = {
            {"--activations", "swish", "unknown activation 'swish'"},
            {"--activations", "relu,relu,relu,relu", "gives 4 activations"},
            {"--activations", "relu,sigmoid", "needs a softmax output", "--loss", "cross-entropy"},
            {"--activations", "softmax,softmax", "softmax goes on the output layer only"},
            {"--activations", "leaky-relu:abc", "is not a finite number"},
            {"--weight-init", "lecun", "unknown initialisation 'lecun'"},
            {"--loss", "hinge", "must be half-squared-error, mse, binary-cross-entropy or cross-entropy"},
            {"--autoencoder", "", "the output width must equal the input width"},
        };
        for (String[] b : bad) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", "synthetic:blobs:n=100,features=4,classes=3",
                    "--layers", "4,8,3", "--epochs", "1"));
            args.add(b[0]);
            if (!b[1].isEmpty()) {
                args.add(b[1]);
            }
            if (b.length > 3) {
                args.add(b[3]);
                args.add(b[4]);
            }
            TestMain.Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(b[2]), String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        TestMain.Run r = run("train", "--activations", "relu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--activations needs --data"), r.err());
    }
}
