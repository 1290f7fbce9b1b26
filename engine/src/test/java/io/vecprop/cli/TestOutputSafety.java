package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's data-loss cases, each with the command that showed it: no output destroys what is there. */
class TestOutputSafety {

    private static final String BLOBS = "synthetic:blobs:n=500,features=4,classes=3";

    @TempDir
    Path dir;

    private Path good;
    private byte[] goodBytes;

    @BeforeEach
    void aGoodModel() throws IOException {
        good = dir.resolve("good.safetensors");
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--loss", "cross-entropy", "--epochs", "1",
                "--model-out", good.toString());
        assertEquals(0, t.code(), t.err());
        goodBytes = Files.readAllBytes(good);
    }

    @Test
    void aDivergedRunStopsAtOnceWithExit1AndKeepsTheGoodModel() throws IOException {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--loss", "cross-entropy", "--epochs", "1",
                "--lr", "1e308", "--model-out", good.toString());
        assertEquals(1, t.code(), t.out() + t.err());
        assertEquals(1, t.errLines().size(), t.err());
        String line = t.errLines().get(0);
        assertTrue(line.startsWith("vecprop: error: training diverged: the loss became "), line);
        assertTrue(line.contains("at epoch 1, batch 2 of 8") && line.contains("lower --lr (now 1e308)"), line);
        assertTrue(line.contains(good + " is unchanged"), line);
        assertFalse(t.out().contains("saved the model"), t.out());
        assertTrue(t.out().contains("lr 1e308,"), "the rate is echoed in a bounded form: " + t.out());
        assertArrayEquals(goodBytes, Files.readAllBytes(good));
    }

    @Test
    void aLossThatGrowsByOrdersOfMagnitudeIsWarnedOfAndEveryFigureIsShort() {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--loss", "cross-entropy", "--epochs", "3",
                "--lr", "1e6");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("vecprop: warning: the loss grew from ") && t.err().contains("--lr 1e6 is likely too large"),
                t.err());
        for (String l : (t.out() + t.err()).split("\n")) {
            assertTrue(l.length() < 200, "a bounded line: " + l);
        }
    }

    @Test
    void largeFiguresPrintAsAMantissaAndAnExponent() {
        assertEquals("1.2e201", Values.sig4(1.2e201));
        assertEquals("1.235e6", Values.sig4(1234567));
        assertEquals("999900", Values.sig4(999_900));
        assertEquals("1e308", Values.sig4(1e308));
        assertEquals("inf", Values.sig4(Double.POSITIVE_INFINITY));
        assertEquals("-", Values.sig4(Double.NaN));
        assertEquals("0.5", Values.sig4(0.5));
    }

    @Test
    void aModelOutThatIsTheDataIsRefusedBeforeAnyWork() throws IOException {
        Path csv = Files.writeString(dir.resolve("xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), csv.getFileName());
        for (Path out : List.of(csv, link)) {
            TestMain.Run t = run("train", "--data", csv.toString(), "--label-column", "y", "--layers", "2,4,2", "--epochs", "1",
                    "--model-out", out.toString());
            assertEquals(2, t.code(), t.err());
            assertTrue(t.err().startsWith("vecprop: --model-out " + out + " is the --data file"), t.err());
            assertFalse(t.out().contains("training"), "no work done: " + t.out());
        }
        assertEquals("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", Files.readString(csv));
    }

    @Test
    void aPlotOverTheModelIsRefused() throws IOException {
        Path both = Files.copy(good, dir.resolve("model.png")); // a model file named like a plot
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "1", "--plot", both.toString(),
                "--model-out", both.toString());
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().startsWith("vecprop: --model-out and --plot both name " + both), t.err());
        assertArrayEquals(goodBytes, Files.readAllBytes(both));
    }

    @Test
    void initAndModelOutMayBeTheSameModel() throws IOException {
        TestMain.Run t = run("train", "--data", BLOBS, "--init", good.toString(), "--epochs", "1", "--model-out", good.toString());
        assertEquals(0, t.code(), t.err());
        assertFalse(java.util.Arrays.equals(goodBytes, Files.readAllBytes(good)), "trained on, saved over");
    }

    @Test
    void predictOutThatIsTheModelOrTheDataIsRefused() throws IOException {
        Path csv = Files.writeString(dir.resolve("points.csv"), "1,2,3,4\n5,6,7,8\n");
        Path link = Files.createSymbolicLink(dir.resolve("model-link"), good.getFileName());
        for (String[] c : new String[][] {{good.toString(), "--model"}, {link.toString(), "--model"}, {csv.toString(), "--data"}}) {
            TestMain.Run t = run("predict", "--model", good.toString(), "--data", csv.toString(), "--out", c[0]);
            assertEquals(2, t.code(), t.err());
            assertTrue(t.err().startsWith("vecprop: --out " + c[0] + " is the " + c[1] + " file"), t.err());
        }
        assertArrayEquals(goodBytes, Files.readAllBytes(good));
        assertEquals("1,2,3,4\n5,6,7,8\n", Files.readString(csv));
    }

    @Test
    void aSymbolicLinkAsModelOutIsFollowed() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), good.getFileName());
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "2", "--model-out", link.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.isSymbolicLink(link));
        assertFalse(java.util.Arrays.equals(goodBytes, Files.readAllBytes(good)), "the link's file holds the new model");
    }

    @Test
    void aDeviceAsModelOutIsWrittenNotReplaced() throws Exception {
        Path device = dir.resolve("null");
        Assumptions.assumeTrue(new ProcessBuilder("mknod", "-m", "666", device.toString(), "c", "1", "3").start().waitFor() == 0,
                "mknod (needs root)");
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "1", "--model-out", device.toString());
        assertEquals(0, t.code(), t.err());
        assertFalse(Files.isRegularFile(device), "still a device");
    }

    @Test
    void aDirectoryAsModelOutIsRefusedBeforeTraining() {
        TestMain.Run t = run("train", "--data", BLOBS, "--layers", "4,8,3", "--epochs", "1", "--model-out", dir.toString());
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().startsWith("vecprop: Invalid value for option '--model-out': " + dir + " is a directory"), t.err());
        assertFalse(t.out().contains("training"), t.out());
    }

    @Test
    void predictToAStandardOutputThatFailsExits1WithOneLine() {
        // standard output on a full disk: the stream takes 4 KB, then every write fails
        OutputStream full = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 4096) {
                    throw new IOException("No space left on device");
                }
            }
        };
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"predict", "--model", good.toString(), "--data", "synthetic:blobs:n=20000,features=4,classes=3"},
                new PrintWriter(new java.io.PrintStream(full), true), new PrintWriter(err));
        assertEquals(1, code, err.toString());
        assertEquals("vecprop: error: could not write the predictions to standard output (disk full, or its reader went away)"
                + " (--debug shows the stack trace)", err.toString().strip());
    }
}
