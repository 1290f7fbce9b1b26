package io.vecprop.io;

import io.vecprop.data.Dataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

class TestIdxReader {

    @TempDir
    Path dir;

    /** Three 2x2 images. */
    private static final int[] PIXELS = {0, 255, 51, 102, 255, 0, 0, 0, 1, 2, 3, 4};
    private static final int[] LABELS = {2, 0, 1};

    /** An IDX file: magic (two zero bytes, type, dimension count), big-endian sizes, then the bytes. */
    private static byte[] idx(int type, int[] dims, int[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int v : data) {
            b.put((byte) v);
        }
        return b.array();
    }

    private static byte[] images(int n, int rows, int cols, int[] pixels) {
        return idx(0x08, new int[] {n, rows, cols}, pixels);
    }

    private static byte[] labels(int[] labels) {
        return idx(0x08, new int[] {labels.length}, labels);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String fails(Path file, Executable read, String... words) {
        DataFormatException e = assertThrows(DataFormatException.class, read);
        assertTrue(e.getMessage().startsWith(file.toString()), () -> "expected the file first: " + e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "expected '" + w + "' in: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static void assertPixels(DMatrixRMaj x) {
        assertEquals(3, x.numRows);
        assertEquals(4, x.numCols);
        assertEquals(12, x.data.length);
        assertEquals(0.0, x.get(0, 0));
        assertEquals(1.0, x.get(0, 1));
        assertEquals(0.2, x.get(0, 2));
        assertEquals(0.4, x.get(0, 3));
        assertEquals(1.0, x.get(1, 0));
        for (int i = 0; i < PIXELS.length; i++) {
            assertEquals(PIXELS[i] / 255.0, x.data[i]);
        }
    }

    // ---------------------------------------------------------------- good files

    @Test
    void idxNames() {
        assertTrue(IdxReader.isIdxName(Path.of("data/train-images-idx3-ubyte.gz")));
        assertTrue(IdxReader.isIdxName(Path.of("t10k-labels.idx1-ubyte")));
        assertTrue(IdxReader.isIdxName(Path.of("T10K-IMAGES.IDX3-UBYTE.GZ")));
        assertFalse(IdxReader.isIdxName(Path.of("train.csv")));
        assertFalse(IdxReader.isIdxName(Path.of("train-images-idx3-ubyte.zip")));
        assertFalse(IdxReader.isIdxName(Path.of("idx-ubyte")));
    }

    @Test
    void plainImagesAndLabels() throws IOException {
        Path x = write("train-images-idx3-ubyte", images(3, 2, 2, PIXELS));
        Path y = write("train-labels-idx1-ubyte", labels(LABELS));
        Dataset d = IdxReader.read(x, y, 0);
        assertEquals("train-images-idx3-ubyte", d.name());
        assertPixels(d.inputs());
        assertEquals(List.of("0", "1", "2"), d.classes());
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, d.targets().data);
    }

    @Test
    void gzipImagesAndLabelsWithMoreClasses() throws IOException {
        // gzip is told by its first bytes, not by the name
        Path x = write("images.bin", gzip(images(3, 2, 2, PIXELS)));
        Path y = write("labels-idx1-ubyte.gz", gzip(labels(LABELS)));
        Dataset d = IdxReader.read(x, y, 10);
        assertPixels(d.inputs());
        assertEquals(10, d.classes().size());
        assertEquals("9", d.classes().get(9));
        assertEquals(1.0, d.targets().get(0, 2));
        assertEquals(1.0, d.targets().get(1, 0));
        assertEquals(1.0, d.targets().get(2, 1));
        assertEquals(3.0, Arrays.stream(d.targets().data).sum());
    }

    @Test
    void imagesAlone() throws IOException {
        Path x = write("t10k-images-idx3-ubyte.gz", gzip(images(3, 2, 2, PIXELS)));
        Dataset d = IdxReader.readImages(x);
        assertPixels(d.inputs());
        assertEquals(3, d.targets().numRows);
        assertEquals(0, d.targets().numCols);
        assertFalse(d.hasClasses());
        assertPixels(IdxReader.readImageMatrix(x));
    }

    @Test
    void labelsAloneAllByteValues() throws IOException {
        int[] all = new int[256];
        Arrays.setAll(all, i -> 255 - i);
        assertArrayEquals(all, IdxReader.readLabels(write("l", labels(all))));
        assertArrayEquals(all, IdxReader.readLabels(write("l.gz", gzip(labels(all)))));
    }

    @Test
    void largerThanOneChunk() throws IOException {
        int n = 300;
        int[] pixels = new int[n * 28 * 28];
        Arrays.setAll(pixels, i -> (i * 7) % 256);
        Path x = write("big-idx3-ubyte.gz", gzip(images(n, 28, 28, pixels)));
        DMatrixRMaj m = IdxReader.readImageMatrix(x);
        assertEquals(n, m.numRows);
        assertEquals(784, m.numCols);
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(pixels[i] / 255.0, m.data[i]);
        }
    }

    // ---------------------------------------------------------------- bad files

    @Test
    void wrongMagic() throws IOException {
        byte[] b = images(3, 2, 2, PIXELS);
        b[0] = 0x12;
        b[1] = 0x34;
        b[2] = 0x56;
        b[3] = 0x78;
        Path f = write("x-idx3-ubyte", b);
        fails(f, () -> IdxReader.readImages(f), "magic number 0x12345678, expected 0x00000803 (IDX images)");
        fails(f, () -> IdxReader.readLabels(f), "magic number 0x12345678, expected 0x00000801 (IDX labels)");
    }

    @Test
    void wrongTypeByte() throws IOException {
        Path f = write("x-idx3-ubyte", idx(0x0D, new int[] {1, 1, 1}, new int[] {0, 0, 0, 0}));
        fails(f, () -> IdxReader.readImages(f), "0x0D (float) is not supported", "0x08 (unsigned byte)");
    }

    @Test
    void swappedFiles() throws IOException {
        Path x = write("x-idx3-ubyte", images(3, 2, 2, PIXELS));
        Path y = write("y-idx1-ubyte", labels(LABELS));
        fails(y, () -> IdxReader.readImages(y), "expected 3 dimensions (images), found 1: is this a labels file?");
        fails(x, () -> IdxReader.readLabels(x), "expected 1 dimension (labels), found 3: is this an images file?");
        fails(x, () -> IdxReader.read(y, x, 0), "found 3"); // the labels are read first
    }

    @Test
    void declaredSizeLargerThanFile() throws IOException {
        byte[] header = images(60000, 28, 28, new int[0]);
        byte[] b = Arrays.copyOf(header, 1000);
        Path f = write("train-images-idx3-ubyte", b);
        fails(f, () -> IdxReader.readImages(f),
                ": header declares 60000 images of 28x28 (47040016 bytes) but the file holds 1000 bytes");
    }

    @Test
    void truncatedPlain() throws IOException {
        byte[] b = images(3, 2, 2, PIXELS);
        Path f = write("x-idx3-ubyte", Arrays.copyOf(b, b.length - 5));
        fails(f, () -> IdxReader.readImages(f), "declares 3 images of 2x2 (28 bytes) but the file holds 23 bytes");
        Path g = write("y-idx3-ubyte", Arrays.copyOf(b, 10));
        fails(g, () -> IdxReader.readImages(g), "truncated at byte 10 in the header", "16 header bytes");
    }

    @Test
    void truncatedGzip() throws IOException {
        int[] pixels = new int[50 * 28 * 28];
        Arrays.setAll(pixels, i -> (i * 31 + i / 7) % 256);
        byte[] z = gzip(images(50, 28, 28, pixels));
        Path f = write("x-idx3-ubyte.gz", Arrays.copyOf(z, z.length / 2));
        String m = fails(f, () -> IdxReader.readImages(f), "gzip data truncated at byte ", "expected 39216 bytes");
        long at = Long.parseLong(m.replaceAll(".*truncated at byte (\\d+).*", "$1"));
        assertTrue(at > 0 && at < 39216, m);
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] z = gzip(images(3, 2, 2, PIXELS));
        z[z.length - 6] ^= 0x55; // the CRC: the data inflate fine but do not match it
        Path f = write("x-idx3-ubyte.gz", z);
        fails(f, () -> IdxReader.readImages(f), "corrupt gzip data");
        Path g = write("y-idx3-ubyte.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        fails(g, () -> IdxReader.readImages(g), "corrupt gzip data");
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] b = images(3, 2, 2, PIXELS);
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        Path f = write("x-idx3-ubyte", longer);
        fails(f, () -> IdxReader.readImages(f), "(28 bytes) but the file holds 31 bytes");
        Path g = write("x-idx3-ubyte.gz", gzip(longer));
        fails(g, () -> IdxReader.readImages(g), "(28 bytes) but the gzip data holds 31 bytes");
    }

    @Test
    void labelCountMismatch() throws IOException {
        Path x = write("x-idx3-ubyte", images(3, 2, 2, PIXELS));
        Path y = write("y-idx1-ubyte", labels(new int[] {1, 2}));
        fails(x, () -> IdxReader.read(x, y, 0), "3 images", y + " holds 2 labels");
    }

    @Test
    void labelNotBelowClasses() throws IOException {
        Path x = write("x-idx3-ubyte", images(3, 2, 2, PIXELS));
        Path y = write("y-idx1-ubyte", labels(new int[] {1, 9, 3}));
        fails(y, () -> IdxReader.read(x, y, 3), "label 9 at index 1 (byte 9)", "class count 3");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("none-idx3-ubyte");
        assertEquals(f + ": no such file",
                assertThrows(DataFormatException.class, () -> IdxReader.readImages(f)).getMessage());
    }

    @Test
    void hugeDeclaredSize() throws IOException {
        Path f = write("x-idx3-ubyte", idx(0x08, new int[] {Integer.MAX_VALUE, 65535, 65535}, new int[0]));
        fails(f, () -> IdxReader.readImages(f), "more values than one array holds");
    }

    @Test
    void aGzipTrailerForgedToMatchAHugeHeaderFailsBeforeTheAllocation() throws Exception {
        // 1.6 KB declaring 2,000,000 images of 28x28: the trailer's 32-bit size made to agree
        byte[] head = images(2_000_000, 28, 28, new int[0]);
        byte[] z = gzip(Arrays.copyOf(head, head.length + 800));
        ByteBuffer.wrap(z, z.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16 + 2_000_000 * 784);
        Path f = write("forged-idx3-ubyte.gz", z);
        assertTrue(z.length < 2000, "a tiny file: " + z.length);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> WithMaxMemory.call(6_000_000_000L, () -> IdxReader.readImages(f)));
        assertEquals(f + " needs 12.5 GB for 2000000 images of 28x28; this JVM may use 6 GB "
                + "(raise it with VECPROP_JAVA_OPTS=-Xmx15g)", e.getMessage());
        // with room for 12.5 GB, the data runs out after 800 bytes, found before the matrix is allocated whole
        assertThrows(DataFormatException.class, () -> WithMaxMemory.call(1L << 50, () -> IdxReader.readImages(f)));
    }

    @Test
    void aGzipOfSeveralMembersIsRead() throws IOException {
        byte[] b = images(3, 2, 2, PIXELS);
        // two members, as gzip -c a >> f; gzip -c b >> f writes (gunzip -t passes): the last trailer holds 10 of 28 bytes
        byte[] z = concat(gzip(Arrays.copyOf(b, 18)), gzip(Arrays.copyOfRange(b, 18, b.length)));
        Path f = write("two-members-idx3-ubyte.gz", z);
        assertPixels(IdxReader.readImageMatrix(f));
    }

    @Test
    void aFileThroughAPipeIsRead() throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            Path fifo = dir.resolve(gz ? "pipe-gz" : "pipe");
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
            byte[] bytes = gz ? gzip(images(3, 2, 2, PIXELS)) : images(3, 2, 2, PIXELS);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Files.write(fifo, bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the sniff of the first two bytes must not consume them (or open the pipe twice, which waits forever)
            assertPixels(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> IdxReader.readImageMatrix(fifo)));
            writer.join(10_000);
        }
    }

    @Test
    void inflatedDataLongerThanTheTrailerSaysIsCorruptNotTrailing() throws IOException {
        byte[] b = images(3, 2, 2, PIXELS);
        byte[] z = gzip(Arrays.copyOf(b, b.length + 5));
        java.nio.ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(z.length - 4, b.length); // ISIZE as declared
        Path f = write("longer-idx3-ubyte.gz", z);
        fails(f, () -> IdxReader.readImages(f), "corrupt gzip data (CRC or length check failed)");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
