package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.JsonReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --optimizer, --beta1/--beta2/--eps, --weight-decay, --schedule, --warmup and --clip-norm on the
 * command line: what the plan and every epoch say, that a model trained by each rule is a model for
 * eval and predict, and that every bad value or misfit is refused with exit 2 in one line, writing nothing.
 */
class TestOptimizerCommands {

    @TempDir
    Path dir;

    private static final String[] BLOBS = {"train", "--data", "synthetic:blobs:n=600", "--layers", "64,32,10", "--scale", "standard",
        "--activations", "relu", "--batch", "32", "--seed", "3"};

    private static TestMain.Run train(String... more) {
        List<String> args = new ArrayList<>(List.of(BLOBS));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> jsonLines(String out) {
        return out.lines().map(l -> (Map<String, Object>) JsonReader.parse(l)).toList();
    }

    @Test
    void everyRuleTrainsAndItsModelEvaluates() {
        for (String rule : new String[] {"sgd", "momentum", "nesterov", "adam", "adamw"}) {
            Path m = dir.resolve(rule + ".safetensors");
            TestMain.Run t = train("--optimizer", rule, "--lr", rule.startsWith("adam") ? "0.01" : "0.1", "--epochs", "8",
                    "--validation", "0.2", "--weight-decay", "0.0001", "--model-out", m.toString(), "--format", "json");
            assertEquals(0, t.code(), rule + ": " + t.err());
            Map<String, Object> done = jsonLines(t.out()).getLast();
            assertTrue((Double) done.get("validation_accuracy") > 0.9, rule + ": " + done);
            TestMain.Run eval = run("eval", "--model", m.toString(), "--data", "synthetic:blobs:n=600", "--seed", "3");
            assertEquals(0, eval.code(), rule + ": " + eval.err());
            assertTrue(eval.out().contains("accuracy"), eval.out());
        }
    }

    @Test
    void dropoutTrainsAndItsModelEvaluatesWithoutDropping() {
        Path m = dir.resolve("dropout.safetensors");
        TestMain.Run t = train("--optimizer", "adam", "--lr", "0.01", "--epochs", "8", "--dropout", "0.2",
                "--validation", "0.2", "--model-out", m.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("lr 0.01, dropout 0.2, 8 epochs"), t.out());
        TestMain.Run eval = run("eval", "--model", m.toString(), "--data", "synthetic:blobs:n=600", "--seed", "3",
                "--format", "json");
        assertEquals(0, eval.code(), eval.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) JsonReader.parse(eval.out().strip().lines().toList().getLast());
        assertTrue((Double) e.get("accuracy") > 0.9, eval.out());
        // eval never drops: twice the same loss
        @SuppressWarnings("unchecked")
        Map<String, Object> again = (Map<String, Object>) JsonReader.parse(run("eval", "--model", m.toString(), "--data",
                "synthetic:blobs:n=600", "--seed", "3", "--format", "json").out().strip().lines().toList().getLast());
        assertEquals(e.get("loss"), again.get("loss"));
    }

    @Test
    void thePlanNamesTheRuleAndEachEpochItsRate() {
        TestMain.Run t = train("--optimizer", "adamw", "--beta2", "0.99", "--lr", "0.01", "--epochs", "6", "--warmup", "2",
                "--schedule", "step:every=2,gamma=0.5", "--clip-norm", "5");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("adamw (beta1 0.9, beta2 0.99, eps 1.0E-8), weight decay 0.01, lr 0.01, "
                + "schedule step:every=2,gamma=0.5, warm-up 2 epochs, gradient norm clipped to 5, 6 epochs"), t.out());
        assertTrue(t.out().contains("epoch   1  lr 0.003333"), t.out());
        assertTrue(t.out().contains("epoch   5  lr 0.005"), t.out());

        TestMain.Run json = train("--optimizer", "nesterov", "--lr", "0.1", "--epochs", "6", "--warmup", "2",
                "--schedule", "step:every=2,gamma=0.5", "--format", "json");
        assertEquals(0, json.code(), json.err());
        double[] expected = {0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.05, 0.05};
        List<Map<String, Object>> lines = jsonLines(json.out());
        for (int e = 0; e < 6; e++) {
            assertEquals(expected[e], (Double) lines.get(e).get("learning_rate"), 1e-17, "epoch " + (e + 1));
        }
        TestMain.Run plain = train("--epochs", "2");
        assertTrue(plain.out().contains("; batch 32, sgd, lr 0.1, 2 epochs"), plain.out());
        assertFalse(plain.out().contains("epoch   1  lr"), "a constant rate is not printed per epoch");
        TestMain.Run momentum = train("--epochs", "1", "--momentum", "0.5");
        assertTrue(momentum.out().contains("momentum 0.5, lr 0.1"), "--momentum alone is --optimizer momentum: " + momentum.out());
        TestMain.Run nesterov = train("--epochs", "1", "--optimizer", "nesterov");
        assertTrue(nesterov.out().contains("nesterov 0.9, lr 0.1"), "nesterov's default momentum: " + nesterov.out());
    }

    @Test
    void badValuesAndMisfitsExitTwoInOneLineAndWriteNothing() {
        Path m = dir.resolve("m.safetensors");
        String[][] cases = {
            {"--optimizer", "rmsprop", "'rmsprop' must be sgd, momentum, nesterov, adam or adamw"},
            {"--optimizer", "adam", "--momentum", "0.9", "--momentum applies to sgd, momentum and nesterov; adam's"},
            {"--optimizer", "nesterov", "--momentum", "0", "nesterov needs a --momentum above 0"},
            {"--optimizer", "momentum", "--momentum", "0", "--optimizer momentum needs a --momentum above 0"},
            {"--beta1", "0.8", "--beta1 is Adam's: it applies with --optimizer adam or adamw, not sgd"},
            {"--optimizer", "momentum", "--eps", "1e-6", "--eps is Adam's"},
            {"--optimizer", "adam", "--beta1", "1", "--beta1"},
            {"--optimizer", "adam", "--beta2", "-0.1", "--beta2"},
            {"--optimizer", "adam", "--eps", "0", "--eps"},
            {"--weight-decay", "-0.1", "--weight-decay"},
            {"--schedule", "warp", "unknown schedule 'warp'"},
            {"--schedule", "step", "step needs every=E"},
            {"--schedule", "step:every=2,gamma=2", "gamma=2.0 must be in (0, 1]"},
            {"--schedule", "plateau:factor=0", "factor=0.0 must be in (0, 1)"},
            {"--schedule", "cosine:every=3", "cosine takes no every"},
            {"--warmup", "5", "--epochs", "5", "--warmup 5 must be fewer than the 5 epochs"},
            {"--warmup", "-1", "--warmup"},
            {"--clip-norm", "0", "--clip-norm"},
            {"--clip-norm", "inf", "--clip-norm"},
            {"--dropout", "1", "--dropout"},
            {"--dropout", "-0.1", "--dropout"},
            {"--dropout", "NaN", "--dropout"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c).subList(0, c.length - 1));
            args.addAll(List.of("--model-out", m.toString()));
            TestMain.Run t = train(args.toArray(String[]::new));
            String what = String.join(" ", args);
            assertEquals(2, t.code(), what + ": " + t.err());
            assertTrue(t.err().contains(c[c.length - 1]), what + ": " + t.err());
            assertEquals(1, t.err().strip().lines().count(), what + ": " + t.err());
            assertFalse(Files.exists(m), what + " wrote a model");
        }
        TestMain.Run flat = run("train", "--data", "synthetic:blobs:n=200", "--layers", "64,10", "--dropout", "0.5",
                "--model-out", m.toString());
        assertEquals(2, flat.code(), flat.err());
        assertTrue(flat.err().contains("--dropout drops hidden units, and the network 64,10 has no hidden layer"), flat.err());
        assertEquals(1, flat.err().strip().lines().count(), flat.err());
        assertFalse(Files.exists(m));
        for (String flag : new String[] {"--optimizer", "--schedule", "--warmup", "--clip-norm", "--weight-decay", "--dropout"}) {
            String value = switch (flag) {
                case "--optimizer" -> "adam";
                case "--schedule" -> "cosine";
                case "--warmup" -> "1";
                default -> "0.5";
            };
            TestMain.Run t = run("train", flag, value);
            assertEquals(2, t.code(), flag);
            assertTrue(t.err().contains(flag + " needs --data"), t.err());
        }
    }
}
