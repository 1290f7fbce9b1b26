package io.vecprop.io;

import io.vecprop.data.Scaler;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Kernels;
import io.vecprop.nn.Loss;
import io.vecprop.nn.Network;
import io.vecprop.kernels.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid files fed to each reader (run in a JVM of its own with -Xmx256m, see
 * the engine's pom): bit flips, truncation at every offset, length fields set to 0, -1, 2^31 and
 * 2^63. Each case must end in the file or the reader's own {@link DataFormatException} naming the
 * file, within a few seconds, and never allocate what the heap cannot hold.
 */
class FuzzReaders {

    private static final long SEED = 14;
    private static final int FLIPS = 400;

    @TempDir
    Path dir;

    /** Reads one file, as a reader of the engine does. */
    @FunctionalInterface
    interface Reader {
        void read(Path file) throws IOException;
    }

    @Test
    void csv() throws IOException {
        byte[] valid = "sepal,petal,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,virginica\n5.9,3.0,versicolor\n"
                .getBytes(StandardCharsets.UTF_8);
        fuzz("iris.csv", valid, List.of(), f -> CsvReader.read(f, CsvReader.Options.label("species")));
        fuzz("plain.csv", "1,2,0\n3,4,1\n".getBytes(StandardCharsets.UTF_8), List.of(),
                f -> CsvReader.read(f, CsvReader.Options.targets(1)));
    }

    @Test
    void idx() throws IOException {
        byte[] images = idx(0x0803, new int[] {3, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        byte[] labels = idx(0x0801, new int[] {3}, new byte[] {0, 1, 2});
        // the dimension fields: count at 4, rows at 8, columns at 12
        fuzz("images-idx3-ubyte", images, List.of(4, 8, 12), IdxReader::readImages);
        fuzz("labels-idx1-ubyte", labels, List.of(4), IdxReader::readLabels);
        fuzz("images-idx3-ubyte.gz", gzip(images), List.of(), IdxReader::readImages);
        // a gzip of a forged header: its lengths mutate inside the compressed stream
        for (int at : List.of(4, 8, 12)) {
            for (int value : new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                byte[] forged = images.clone();
                ByteBuffer.wrap(forged).putInt(at, value);
                expectRefusal(write("forged-idx3-ubyte.gz", gzip(forged)), IdxReader::readImages);
            }
        }
    }

    @Test
    void aGzipWhoseTrailerIsForgedToMatchAHugeDeclaredSizeIsRefusedBeforeTheAllocation() throws IOException {
        // 2,000,000 images of 28 x 28 declared, 12 real bytes, ISIZE (the uncompressed size mod 2^32) forged to match
        byte[] images = idx(0x0803, new int[] {2_000_000, 28, 28}, new byte[12]);
        byte[] gz = gzip(images);
        long declared = 16 + 2_000_000L * 28 * 28;
        ByteBuffer.wrap(gz).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(gz.length - 4, (int) declared);
        expectRefusal(write("forged-isize-idx3-ubyte.gz", gz), IdxReader::readImages);
    }

    @Test
    void safetensorsAndModelMetadata() throws IOException {
        Network net = Network.random(Kernels.scalar(), Loss.CROSS_ENTROPY, 3, 4, 5, 3);
        Path model = dir.resolve("valid.safetensors");
        ModelFile.write(model, new ModelFile.Model(net, Scaler.none(4), List.of("a", "b", "c")));
        byte[] valid = Files.readAllBytes(model);
        Reader asModel = f -> ModelFile.read(f, Precision.F64, KernelSelection.scalar());
        fuzz("model.safetensors", valid, List.of(0), asModel);
        // the header length as a long: 2^63 and others, at offset 0
        for (long value : new long[] {0, -1, 1L << 31, Long.MIN_VALUE, Long.MAX_VALUE}) {
            byte[] b = valid.clone();
            ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, value);
            expectRefusal(write("length.safetensors", b), asModel);
        }
        // every number of the JSON header replaced by extremes, one at a time
        int headerLength = (int) ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(valid, 8, headerLength, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(header);
        int cases = 0;
        while (m.find() && cases < 300) {
            for (String extreme : new String[] {"0", "-1", "2147483648", "9223372036854775808", "1180591620717411303424"}) {
                String h = header.substring(0, m.start()) + extreme + header.substring(m.end());
                expectRefusalOrRead(write("numbers.safetensors", rebuild(valid, headerLength, h)), asModel);
                cases++;
            }
        }
    }

    // ---------------------------------------------------------------- the harness

    /** Bit flips, truncations at every offset, and each 4-byte big-endian field of lengthFields set to extremes. */
    private void fuzz(String name, byte[] valid, List<Integer> lengthFields, Reader reader) throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED ^ name.hashCode());
        for (int i = 0; i < FLIPS; i++) {
            byte[] b = valid.clone();
            for (int f = rnd.nextInt(1, 9); f > 0; f--) {
                int at = rnd.nextInt(b.length);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            expectRefusalOrRead(write(name, b), reader);
        }
        for (int cut = 0; cut < valid.length; cut++) {
            expectRefusalOrRead(write(name, java.util.Arrays.copyOf(valid, cut)), reader);
        }
        for (int at : lengthFields) {
            for (int value : new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30}) {
                byte[] b = valid.clone();
                ByteBuffer.wrap(b).putInt(at, value);
                expectRefusalOrRead(write(name, b), reader);
            }
        }
    }

    private void expectRefusal(Path file, Reader reader) {
        boolean read = expectRefusalOrRead(file, reader);
        assertTrue(!read, file.getFileName() + " with a forged length was read without complaint");
    }

    /** True when the file was read; false when it was refused as the reader should refuse it. */
    private boolean expectRefusalOrRead(Path file, Reader reader) {
        String name = file.getFileName().toString();
        return Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                reader.read(file);
                return true;
            } catch (DataFormatException e) {
                String m = e.getMessage();
                assertTrue(m != null && m.contains(name), "the message names the file: " + m);
                assertTrue(m.length() < 400, "a bounded message: " + m.length() + " characters");
                return false;
            } catch (OutOfMemoryError e) {
                return fail(name + ": the reader allocated beyond the heap instead of checking the size first", e);
            } catch (Throwable e) {
                return fail(name + ": " + e.getClass().getName() + " instead of a DataFormatException: " + e.getMessage(), e);
            }
        }, () -> name + ": the reader took more than 10 s");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] rebuild(byte[] valid, int headerLength, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int data = valid.length - 8 - headerLength;
        return ByteBuffer.allocate(8 + h.length + data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .put(valid, 8 + headerLength, data).array();
    }
}
