package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.kernels.KernelSelection;
import io.vecprop.train.CheckpointFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * train --checkpoint, --checkpoint-every and --resume on the command line: a run resumed from its
 * third epoch's checkpoint saves the same model file, byte for byte, as the run that was never
 * stopped, also when the first run was killed (SIGKILL) at a random moment; a checkpoint is a model
 * for eval, predict and --init; and every bad directory or disagreeing flag exits 2 in one line,
 * writing nothing.
 */
class TestCheckpointCommands {

    @TempDir
    Path dir;

    private static final String[] RUN = {"train", "--data", "synthetic:blobs:n=600", "--layers", "64,32,10", "--scale", "standard",
        "--activations", "relu", "--batch", "32", "--seed", "3", "--validation", "0.2", "--kernels", "scalar"};

    private static String[] args(String[] more, String... rest) {
        List<String> a = new ArrayList<>(List.of(RUN));
        a.addAll(List.of(more));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--optimizer sgd --lr 0.1",
        "--optimizer momentum --lr 0.1 --schedule step:every=2,gamma=0.5",
        "--optimizer nesterov --lr 0.05 --dropout 0.3 --early-stop 2",
        "--optimizer adam --lr 0.01 --schedule cosine --warmup 1 --dropout 0.2 --precision f32",
        "--optimizer adamw --lr 0.01 --schedule plateau:patience=0,factor=0.5 --clip-norm 1"})
    void resumedAfterThreeEpochsSavesTheModelOfFiveByteForByte(String flags) throws IOException {
        String[] more = flags.split(" ");
        Path whole = dir.resolve("whole.safetensors"), resumed = dir.resolve("resumed.safetensors");
        Path ck = dir.resolve("ck");
        TestMain.Run a = run(args(more, "--epochs", "5", "--model-out", whole.toString()));
        assertEquals(0, a.code(), a.err());
        TestMain.Run b = run(args(more, "--epochs", "5", "--checkpoint", ck.toString()));
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("checkpoint: " + CheckpointFile.path(ck, 3)), b.out());
        // as if killed after the third epoch's checkpoint
        Files.delete(CheckpointFile.path(ck, 5));
        Files.delete(CheckpointFile.path(ck, 4));
        TestMain.Run c = run(args(more, "--epochs", "5", "--resume", ck.toString(), "--model-out", resumed.toString()));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("resuming from " + CheckpointFile.path(ck, 3) + ": epoch 3 of 5 done"), c.out());
        assertTrue(c.out().contains("epoch   4") && !c.out().contains("epoch   3"), c.out());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), flags);
        assertTrue(Files.exists(CheckpointFile.path(ck, 5)), "checkpoints go on into the resumed directory");
    }

    @Test
    void aCheckpointIsAModelForEvalPredictAndInit() throws IOException {
        Path ck = dir.resolve("ck");
        TestMain.Run t = run(args(new String[] {"--optimizer", "adam", "--lr", "0.01"}, "--epochs", "4", "--checkpoint",
                ck.toString(), "--checkpoint-every", "2", "--format", "json"));
        assertEquals(0, t.code(), t.err());
        try (Stream<Path> files = Files.list(ck)) {
            assertEquals(List.of(CheckpointFile.path(ck, 2), CheckpointFile.path(ck, 4)), files.sorted().toList());
        }
        assertTrue(t.out().contains("{\"event\": \"checkpoint\", \"epoch\": 2, \"file\": "), t.out());
        String model = CheckpointFile.path(ck, 2).toString();
        TestMain.Run eval = run("eval", "--model", model, "--data", "synthetic:blobs:n=600", "--seed", "3");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("accuracy"), eval.out());
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, String.join(",", java.util.Collections.nCopies(64, "0.5")) + "\n");
        TestMain.Run predict = run("predict", "--model", model, "--data", csv.toString());
        assertEquals(0, predict.code(), predict.err());
        TestMain.Run init = run("train", "--data", "synthetic:blobs:n=600", "--seed", "3", "--init", model, "--epochs", "1");
        assertEquals(0, init.code(), init.err());
    }

    @Test
    void badDirectoriesAndDisagreeingFlagsExitTwoInOneLineAndWriteNothing() throws IOException {
        Path ck = dir.resolve("ck"), m = dir.resolve("m.safetensors");
        String[] adam = {"--optimizer", "adam", "--lr", "0.01"};
        assertEquals(0, run(args(adam, "--epochs", "3", "--checkpoint", ck.toString())).code());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Object[][] cases = {
            {args(adam, "--epochs", "5", "--resume", dir.resolve("none").toString()), "no such directory"},
            {args(adam, "--epochs", "5", "--resume", empty.toString()), "no checkpoint in it"},
            {args(new String[] {"--optimizer", "adam", "--lr", "0.02"}, "--epochs", "5", "--resume", ck.toString()),
                "its run trained with learning rate 0.01, this one with 0.02"},
            {args(new String[] {"--optimizer", "sgd", "--lr", "0.01"}, "--epochs", "5", "--resume", ck.toString()),
                "its run trained with optimizer"},
            {args(adam, "--epochs", "5", "--dropout", "0.5", "--resume", ck.toString()), "dropout 0.0, this one with 0.5"},
            {args(adam, "--epochs", "3", "--resume", ck.toString()), "it is after epoch 3, and this run has 3 epochs"},
            {args(adam, "--epochs", "5", "--precision", "f32", "--resume", ck.toString()), "epoch-000003.safetensors is f64"},
            {new String[] {"train", "--data", "synthetic:blobs:n=600", "--layers", "64,16,10", "--epochs", "5", "--resume",
                ck.toString()}, "--layers 64,16,10 disagrees with --resume"},
            {new String[] {"train", "--data", "synthetic:blobs:n=500", "--scale", "standard", "--seed", "3", "--validation",
                "0.2", "--batch", "32", "--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--resume", ck.toString()},
                "its run trained on 480 rows, this one on 400"},
            {args(adam, "--epochs", "5", "--checkpoint", ck.toString()), "already holds checkpoints (epoch-000003.safetensors)"},
            {args(adam, "--epochs", "5", "--checkpoint", file.toString()), "is a file: give a directory"},
            {args(adam, "--epochs", "5", "--checkpoint-every", "2"), "--checkpoint-every 2 needs --checkpoint DIR"},
            {args(adam, "--epochs", "5", "--checkpoint-every", "0", "--checkpoint", empty.toString()), "--checkpoint-every"},
            {args(adam, "--epochs", "5", "--init", CheckpointFile.path(ck, 3).toString(), "--resume", ck.toString()),
                "give one of them"},
        };
        for (Object[] c : cases) {
            List<String> a = new ArrayList<>(List.of((String[]) c[0]));
            a.addAll(List.of("--model-out", m.toString()));
            TestMain.Run t = run(a.toArray(String[]::new));
            String what = String.join(" ", a);
            assertEquals(2, t.code(), what + ": " + t.err());
            assertTrue(t.err().contains((String) c[1]), what + ": " + t.err());
            assertEquals(1, t.err().strip().lines().count(), what + ": " + t.err());
            assertFalse(Files.exists(m), what + " wrote a model");
        }
        try (Stream<Path> files = Files.list(ck)) {
            assertEquals(3, files.count(), "the checkpoints are untouched");
        }
        try (Stream<Path> files = Files.list(empty)) {
            assertEquals(0, files.count());
        }
        TestMain.Run t = run("train", "--resume", ck.toString());
        assertEquals(2, t.code());
        assertTrue(t.err().contains("--resume needs --data"), t.err());
    }

    /**
     * A child JVM trains with a checkpoint after every epoch and is killed (SIGKILL) at a random moment
     * after its third: the latest checkpoint is whole, and resuming from it saves the model of the run that
     * was never stopped.
     */
    @Test
    void aRunKilledAtAnyMomentResumesFromItsLastGoodCheckpoint() throws Exception {
        List<String> common = List.of("train", "--data", "synthetic:blobs:n=3000", "--layers", "64,256,10", "--scale",
                "standard", "--activations", "relu", "--batch", "32", "--seed", "3", "--validation", "0.2", "--kernels", "scalar",
                "--optimizer", "momentum", "--lr", "0.05", "--dropout", "0.2", "--epochs", "12");
        Path whole = dir.resolve("whole.safetensors"), resumed = dir.resolve("resumed.safetensors"), ck = dir.resolve("ck");
        List<String> child = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        child.addAll(common);
        child.addAll(List.of("--checkpoint", ck.toString()));
        Process p = new ProcessBuilder(child).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !Files.exists(CheckpointFile.path(ck, 3)) && p.isAlive()) {
            Thread.sleep(5);
        }
        Thread.sleep(new java.util.SplittableRandom(System.nanoTime()).nextInt(0, 300)); // mid-epoch or mid-write
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Path latest = CheckpointFile.latest(ck).orElseThrow();
        int epoch = CheckpointFile.read(latest, KernelSelection.scalar()).checkpoint().epoch();
        assertTrue(epoch >= 3 && epoch < 12, "killed after epoch " + epoch + ": " + Files.readString(dir.resolve("child.log")));

        List<String> again = new ArrayList<>(common);
        again.addAll(List.of("--resume", ck.toString(), "--model-out", resumed.toString()));
        TestMain.Run r = run(again.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> once = new ArrayList<>(common);
        once.addAll(List.of("--model-out", whole.toString()));
        assertEquals(0, run(once.toArray(String[]::new)).code());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "resumed after epoch " + epoch);
        // a temporary the killed child left mid-write is not taken for a checkpoint, and goes with the next write
        try (Stream<Path> files = Files.list(ck)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("epoch-\\d{6}\\.safetensors")), "only checkpoints");
        }
    }
}
