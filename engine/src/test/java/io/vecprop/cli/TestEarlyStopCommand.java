package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.JsonReader;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --early-stop: the summary names the kept epoch, the saved model is that epoch's, bad uses exit 2. */
class TestEarlyStopCommand {

    @TempDir
    Path dir;

    private static final String[] OVERFITS = {"train", "--data", "synthetic:blobs:n=1000,spread=4", "--scale", "standard",
        "--layers", "64,128,128,10", "--activations", "relu", "--batch", "32", "--lr", "0.01", "--momentum", "0.9",
        "--validation", "0.2", "--seed", "7"};

    private TestMain.Run train(String... more) {
        List<String> args = new ArrayList<>(List.of(OVERFITS));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void savesTheBestEpochsWeightsAndSaysWhichItKept() throws IOException {
        Path es = dir.resolve("es.safetensors");
        TestMain.Run t = train("--epochs", "60", "--early-stop", "3", "--model-out", es.toString(), "--format", "json");
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().lines().toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> done = (Map<String, Object>) JsonReader.parse(lines.getLast());
        assertEquals(Boolean.TRUE, done.get("stopped_early"));
        int kept = ((Long) done.get("kept_epoch")).intValue();
        assertEquals(kept + 3 + 1, lines.size(), "kept + 3 epoch lines, then the summary");

        Path straight = dir.resolve("straight.safetensors");
        TestMain.Run s = train("--epochs", Integer.toString(kept), "--model-out", straight.toString());
        assertEquals(0, s.code(), s.err());
        assertArrayEquals(ModelFile.read(straight, Kernels.scalar()).network().parameters().f64(),
                ModelFile.read(es, Kernels.scalar()).network().parameters().f64(), "the saved model is epoch " + kept + "'s");

        TestMain.Run text = train("--epochs", "60", "--early-stop", "3");
        assertTrue(text.out().contains("early stop: the validation loss did not improve for 3 epochs; kept epoch " + kept
                + "'s weights, the lowest validation loss ("), text.out());
    }

    @Test
    void badUsesExitTwoInOneLineAndTrainNothing() {
        Path m = dir.resolve("m.safetensors");
        String[][] cases = {
            {"--early-stop", "0", "--model-out", m.toString()},
            {"--early-stop", "-2", "--model-out", m.toString()},
            {"--early-stop", "x", "--model-out", m.toString()},
        };
        for (String[] c : cases) {
            TestMain.Run t = train(c);
            assertEquals(2, t.code(), String.join(" ", c) + ": " + t.err());
            assertTrue(t.err().contains("--early-stop"), t.err());
            assertEquals(1, t.err().strip().lines().count(), t.err());
        }
        TestMain.Run noValidation = run("train", "--data", "synthetic:xor", "--layers", "2,2,1", "--early-stop", "2",
                "--model-out", m.toString());
        assertEquals(2, noValidation.code(), noValidation.err());
        assertTrue(noValidation.err().contains("--early-stop 2 watches the validation loss: give --validation SHARE"),
                noValidation.err());
        TestMain.Run noData = run("train", "--early-stop", "2");
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("--early-stop needs --data"), noData.err());
        assertFalse(Files.exists(m), "nothing trained, nothing saved");
    }

    @Test
    void theOptionsBuildersDefaultsAreTheCommandLines() {
        assertEquals(new io.vecprop.train.MiniBatchTrainer.Options(DataTraining.DEFAULT_EPOCHS, DataTraining.DEFAULT_BATCH,
                0.1, 0, DataTraining.DEFAULT_SEED, true, true, 0, 0), io.vecprop.train.MiniBatchTrainer.Options.builder().build());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> io.vecprop.train.MiniBatchTrainer.Options.builder().momentum(1).build());
        assertEquals("momentum 1.0 must be in [0, 1)", e.getMessage());
    }
}
