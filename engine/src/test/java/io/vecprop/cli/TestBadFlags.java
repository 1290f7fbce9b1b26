package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's items 8 and 10: each bad value named with its flag and file, nothing changed silently. */
class TestBadFlags {

    private static final String BLOBS = "synthetic:blobs:n=500,features=4,classes=3";

    @TempDir
    Path dir;

    @Test
    void aDirectoryAsDataOrModelIsNamedAsOne() {
        String d = dir.toString();
        String[][] cases = {{"--data", "train", "--data", d, "--layers", "2,2,1"}, {"--model", "eval", "--model", d, "--data", BLOBS},
            {"--data", "predict", "--model", d + "/none.safetensors", "--data", d}};
        for (String[] c : cases) {
            TestMain.Run t = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, t.code(), t.err());
            assertTrue(t.err().startsWith("vecprop: Invalid value for option '" + c[0] + "': " + d + " is a directory"), t.err());
        }
    }

    @Test
    void aBatchBeyondIntIsRefusedNotClamped() {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--batch", "1000000000000");
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().startsWith("vecprop: Invalid value for option '--batch': '1000000000000' is more than 2147483647"), t.err());
        TestMain.Run e = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "3000000000");
        assertEquals(2, e.code(), e.err());
    }

    @Test
    void aBatchBeyondTheSamplesGetsANote() {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--batch", "1000", "--epochs", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("note: --batch 1000 is more than the 500 training samples: each step takes all 500"), t.out());
    }

    @Test
    void aPlotNotNamedPngIsRefusedBeforeTraining() {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "1", "--plot", dir.resolve("p.jpg").toString());
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().contains("a PNG image, so its name must end in .png"), t.err());
        assertFalse(Files.exists(dir.resolve("p.jpg")));
    }

    @Test
    void aModelWithTwoClassesOfOneNameIsRefusedOnLoad() throws IOException {
        Path good = dir.resolve("good.safetensors");
        assertEquals(0, run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "1", "--model-out", good.toString()).code());
        Safetensors.Contents c = Safetensors.read(good);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("classes", "[\"cat\",\"dog\",\"cat\"]");
        Path twice = dir.resolve("twice.safetensors");
        Safetensors.write(twice, c.tensors(), meta);
        TestMain.Run t = run("predict", "--model", twice.toString(), "--data", BLOBS, "--argmax");
        assertEquals(1, t.code(), t.err());
        assertTrue(t.err().contains("metadata classes names \"cat\" twice (output 0 and output 2)"), t.err());
    }
}
