package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vecprop.io.WithMaxMemory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data and networks too large for the heap fail before they are allocated, in one line (issue 14, items 6 and 7). */
class TestMemoryLimits {

    private static final long SIX_GB = 6_000_000_000L;

    @TempDir
    Path dir;

    private static TestMain.Run runWith(long maxMemory, String... args) throws Exception {
        return WithMaxMemory.call(maxMemory, () -> run(args));
    }

    /** One line, "vecprop: error: " then the message, and the exit code. */
    private static void assertOneLine(TestMain.Run r, int code, String... words) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("vecprop: "), r.err());
        for (String w : words) {
            assertTrue(r.err().contains(w), () -> "expected '" + w + "' in: " + r.err());
        }
    }

    @Test
    void anOutOfMemoryErrorThatStillHappensIsOneLine() throws Exception {
        // the check passes (a limit of 1 PB), the allocation of 16 GB does not
        assumeTrue(Runtime.getRuntime().maxMemory() < 16_000_000_000L);
        TestMain.Run r = runWith(1L << 50, "train", "--data", "synthetic:blobs:n=2000000,features=1000", "--layers", "1000,4,10");
        assertOneLine(r, 1, "vecprop: error: out of memory", "VECPROP_JAVA_OPTS=-Xmx");
    }

    @Test
    void syntheticBlobsTooLargeForTheHeap() throws Exception {
        TestMain.Run r = runWith(SIX_GB, "train", "--data", "synthetic:blobs:n=2000000,features=1000", "--layers", "1000,4,10");
        assertOneLine(r, 1, "synthetic:blobs:n=2000000,features=1000 needs 16.2 GB for the samples; this JVM may use 6 GB "
                + "(raise it with VECPROP_JAVA_OPTS=-Xmx19g)");
    }

    @Test
    void networksTooLargeForThisJvmExit1() throws Exception {
        TestMain.Run r = runWith(SIX_GB, "train", "--data", "synthetic:blobs:n=500,features=4,classes=3",
                "--layers", "4,30000,30000,3", "--loss", "cross-entropy");
        assertOneLine(r, 1, "a 4-30000-30000-3 network needs 7.2 GB of weights and 92.2 MB of workspace at batch 64; "
                + "this JVM may use 6 GB (raise it with VECPROP_JAVA_OPTS=-Xmx9g)");
        r = runWith(SIX_GB, "train", "--data", "synthetic:blobs:n=500,features=2,classes=2",
                "--layers", "2,100000000,1", "--batch", "4");
        assertOneLine(r, 1, "a 2-100000000-1 network needs 3.2 GB of weights and 9.6 GB of workspace at batch 4");
    }

    @Test
    void networksNoJvmCouldHoldExit2() throws Exception {
        TestMain.Run r = run("train", "--data", "synthetic:blobs:n=500,features=2,classes=2", "--layers", "2,1000000000,1");
        assertOneLine(r, 2, "--layers 2,1000000000,1", "64000000000 values", "more than a Java array holds");
    }
}
