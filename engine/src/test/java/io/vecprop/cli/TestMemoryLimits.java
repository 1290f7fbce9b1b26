package io.vecprop.cli;

import static io.vecprop.cli.TestMain.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vecprop.io.WithMaxMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
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
        assertOneLine(r, 1, "synthetic:blobs:n=2000000,features=1000: needs 16.2 GB for the samples; this JVM may use 6 GB "
                + "(raise it with VECPROP_JAVA_OPTS=-Xmx19g)");
    }

    @Test
    void csvWithMoreClassesThanOutputsStopsAtTheFirstExtraClass() throws Exception {
        StringBuilder b = new StringBuilder("x,y\n");
        for (int i = 0; i < 40_000; i++) {
            b.append(i).append(",c").append(i).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("many.csv"), b);
        TestMain.Run r = run("train", "--data", csv.toString(), "--label-column", "y", "--layers", "1,2", "--loss", "cross-entropy");
        assertOneLine(r, 1, csv + ":4: column 2 (y): label 'c2' would be class 3, but the network has 2 outputs");
    }

    @Test
    void idxGzipWithAForgedTrailerDeclaringTwoMillionImages() throws Exception {
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(images, forgedGzip(new int[] {2_000_000, 28, 28}, 800));
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.write(labels, gzip(header(new int[] {2_000_000}), new byte[2_000_000]));
        assertTrue(Files.size(images) < 2000, "a tiny file: " + Files.size(images));

        TestMain.Run r = runWith(SIX_GB, "train", "--data", images.toString(), "--labels", labels.toString(), "--layers", "784,10");
        assertOneLine(r, 1, images + " needs 12.7 GB for 2000000 images of 28x28 and their labels; this JVM may use 6 GB");
        // with room for it, the lie is found in the first bytes, before 12.5 GB is allocated
        r = runWith(1L << 50, "train", "--data", images.toString(), "--labels", labels.toString(), "--layers", "784,10");
        assertOneLine(r, 1, images.toString(), "gzip");
    }

    @Test
    void devZeroIsRefusedAtTheLineBound() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")));
        TestMain.Run r = run("train", "--data", "/dev/zero", "--layers", "4,8,3");
        assertOneLine(r, 1, "/dev/zero:1: line longer than 67108864 characters");
    }

    @Test
    void aOneLineCsvWiderThanTheNetworkStopsAtItsColumnBound() throws Exception {
        // the 8th cell is not a number: it is never parsed, the line is refused at its 8th column
        Path csv = Files.writeString(dir.resolve("wide.csv"), "1,2,3,4,5,6,7,x" + ",1".repeat(100_000) + "\n");
        TestMain.Run r = run("train", "--data", csv.toString(), "--layers", "4,8,3");
        assertOneLine(r, 1, csv + ":1: more than 7 columns, but the network takes 4 inputs and has 3 outputs");
    }

    @Test
    void aLineBeyondTheBoundThatIsWiderThanTheNetworkSaysSo() throws Exception {
        Path csv = Files.writeString(dir.resolve("long.csv"), "1,".repeat(34_000_000) + "1\n");
        TestMain.Run r = run("train", "--data", csv.toString(), "--layers", "4,8,3");
        assertOneLine(r, 1, csv + ":1: more than 7 columns, but the network takes 4 inputs and has 3 outputs");
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

    /** An IDX images header declaring dims, then real bytes of data, gzipped, the trailer's size forged to the declared one. */
    private static byte[] forgedGzip(int[] dims, int realBytes) throws IOException {
        byte[] header = header(dims);
        byte[] z = gzip(header, new byte[realBytes]);
        long declared = header.length + (long) dims[0] * dims[1] * dims[2];
        ByteBuffer.wrap(z, z.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) declared);
        return z;
    }

    private static byte[] header(int[] dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    private static byte[] gzip(byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(header);
            z.write(data);
        }
        return out.toByteArray();
    }
}
