package io.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.Safetensors.Contents;
import io.vecprop.io.Safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSafetensors {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    /** A file built by the spec, independently of the writer: LE length, header as given, data. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    private static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": ["
                + begin + ", " + end + "]}";
    }

    /** Reads the bytes as model.safetensors and returns the failure message, which must name the file. */
    private String failure(byte[] bytes) throws IOException {
        Path p = dir.resolve("model.safetensors");
        Files.write(p, bytes);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().startsWith("model.safetensors: "), e.getMessage());
        return e.getMessage();
    }

    private void assertFailure(byte[] bytes, String... fragments) throws IOException {
        String message = failure(bytes);
        for (String f : fragments) {
            assertTrue(message.contains(f), "'" + message + "' should contain '" + f + "'");
        }
    }

    private static Map<String, Tensor> map(Object... nameTensor) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            m.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void f64RoundTripIsBitIdentical() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-310, Double.MIN_NORMAL, 1e308, -1e308,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Math.PI, 0.1};
        double[] big = new double[3 * 5000]; // more than one 64 KB chunk
        for (int i = 0; i < big.length; i++) {
            double v;
            do {
                v = Double.longBitsToDouble(rnd.nextLong());
            } while (Double.isNaN(v));
            big[i] = i < special.length ? special[i] : i % 2 == 0 ? v : rnd.nextGaussian();
        }
        Map<String, Tensor> tensors = map(
                "layers.0.weight", new Tensor("F64", new long[] {3, 5000}, big),
                "layers.0.bias", new Tensor("F64", new long[] {1, 3}, new double[] {-0.0, 1e-320, 2.5}),
                "a", new Tensor("F64", new long[] {0, 7}, new double[0]));
        Map<String, String> meta = Map.of("format", "vecprop", "note", "héllo \"quoted\"\n");
        Path p = dir.resolve("model.safetensors");
        Safetensors.write(p, tensors, meta);
        Contents c = Safetensors.read(p);

        assertEquals(List.of("layers.0.weight", "layers.0.bias", "a"), List.copyOf(c.tensors().keySet()));
        assertEquals(meta, c.metadata());
        for (String name : tensors.keySet()) {
            Tensor in = tensors.get(name);
            Tensor out = c.tensors().get(name);
            assertEquals("F64", out.dtype());
            assertArrayEquals(in.shape(), out.shape());
            long[] inBits = Arrays.stream(in.values()).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] outBits = Arrays.stream(out.values()).mapToLong(Double::doubleToRawLongBits).toArray();
            assertArrayEquals(inBits, outBits, name);
        }
        assertEquals(tensors, c.tensors());
        assertEquals(8 + headerLength(p) + 8L * (15000 + 3), Files.size(p));
    }

    @Test
    void f32IsNarrowedOnWriteAndWidenedExactlyOnRead() throws IOException {
        double[] values = {0.1, -1e-50, 3.4e38, 1e39, 1.0 / 3, -0.0};
        Path p = dir.resolve("f32.safetensors");
        // three F32 values first, so the F64 tensor after them starts at an offset that is not 8-aligned
        Safetensors.write(p, map("x", new Tensor("F32", new long[] {2, 3}, values),
                "odd", new Tensor("F32", new long[] {3}, new double[] {1.5, 2.5, 3.5}),
                "y", new Tensor("F64", new long[] {2}, new double[] {0.1, 0.2})), Map.of());
        Contents c = Safetensors.read(p);
        double[] expected = Arrays.stream(values).map(v -> (float) v).toArray();
        assertArrayEquals(expected, c.tensors().get("x").values(), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, c.tensors().get("x").values()[3]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(c.tensors().get("x").values()[5]));
        assertArrayEquals(new double[] {0.1, 0.2}, c.tensors().get("y").values(), 0.0);
        assertEquals(8 + headerLength(p) + 4 * 9 + 8 * 2, Files.size(p));
        assertTrue(c.metadata().isEmpty());
    }

    private static long headerLength(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void writtenLayoutIsTheStandardOne() throws IOException {
        Path p = dir.resolve("layout.safetensors");
        Safetensors.write(p, map("w", new Tensor("F64", new long[] {2, 2}, new double[] {1, 2, 3, 4}),
                "b", new Tensor("F32", new long[] {2}, new double[] {0.5, -8})), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        int n = (int) headerLength(p);
        assertEquals(0, (8 + n) % 8, "data section 8-aligned");
        String header = new String(bytes, 8, n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(ch -> ch == ' '), "padding is spaces");
        Map<?, ?> parsed = (Map<?, ?>) JsonReader.parse(json);
        assertEquals(List.of("__metadata__", "w", "b"), List.copyOf(parsed.keySet()));
        assertEquals(Map.of("k", "v"), parsed.get("__metadata__"));
        assertEquals(Map.of("dtype", "F64", "shape", List.of(2L, 2L), "data_offsets", List.of(0L, 32L)), parsed.get("w"));
        assertEquals(Map.of("dtype", "F32", "shape", List.of(2L), "data_offsets", List.of(32L, 40L)), parsed.get("b"));
        assertArrayEquals(concat(f64(1, 2, 3, 4), f32(0.5f, -8f)), Arrays.copyOfRange(bytes, 8 + n, bytes.length));
    }

    @Test
    void readsAFileBuiltByTheSpec() throws IOException {
        // unpadded header, metadata first, a scalar, an empty tensor, and the tensors out of data order
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + entry("second", "F64", "[2]", 4, 20) + ","
                + entry("first", "F32", "[]", 0, 4) + ","
                + entry("empty", "F64", "[0, 3]", 20, 20) + "}";
        Path p = dir.resolve("spec.safetensors");
        Files.write(p, file(header, concat(f32(2.5f), f64(-1.25, 1e300))));
        Contents c = Safetensors.read(p);
        assertEquals(List.of("second", "first", "empty"), List.copyOf(c.tensors().keySet()));
        assertEquals(new Tensor("F64", new long[] {2}, new double[] {-1.25, 1e300}), c.tensors().get("second"));
        assertEquals(new Tensor("F32", new long[] {}, new double[] {2.5}), c.tensors().get("first"));
        assertEquals(new Tensor("F64", new long[] {0, 3}, new double[0]), c.tensors().get("empty"));
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertThrows(UnsupportedOperationException.class, () -> c.tensors().remove("first"));
        assertThrows(UnsupportedOperationException.class, () -> c.metadata().put("a", "b"));
    }

    @Test
    void emptyFileOfTensors() throws IOException {
        Path p = dir.resolve("none.safetensors");
        Safetensors.write(p, Map.of(), Map.of());
        Contents c = Safetensors.read(p);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
        assertEquals(16, Files.size(p)); // "{}" padded to 8
    }

    // ---------------------------------------------------------------- writing safely

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path p = dir.resolve("model.safetensors");
        Map<String, Tensor> good = map("w", new Tensor("F64", new long[] {1}, new double[] {42}));
        Safetensors.write(p, good, Map.of());
        byte[] before = Files.readAllBytes(p);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p,
                map("w", new Tensor("F64", new long[] {1}, new double[] {1}),
                        "__metadata__", new Tensor("F64", new long[] {1}, new double[] {2})), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p,
                map("bad\uD800name", new Tensor("F64", new long[] {1}, new double[] {1})), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
        // a successful write replaces it
        Safetensors.write(p, map("v", new Tensor("F32", new long[] {1}, new double[] {7})), Map.of());
        assertEquals(List.of("v"), List.copyOf(Safetensors.read(p).tensors().keySet()));
    }

    // ---------------------------------------------------------------- the Tensor record

    @Test
    void tensorChecksItselfAndComparesByContent() {
        Tensor a = new Tensor("F64", new long[] {2, 2}, new double[] {1, 2, 3, 4});
        Tensor b = new Tensor("F64", new long[] {2, 2}, new double[] {1, 2, 3, 4});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Tensor("F64", new long[] {4}, new double[] {1, 2, 3, 4}));
        assertNotEquals(a, new Tensor("F32", new long[] {2, 2}, new double[] {1, 2, 3, 4}));
        assertNotEquals(a, new Tensor("F64", new long[] {2, 2}, new double[] {1, 2, 3, 5}));
        assertEquals("Tensor[F64 [2, 2]: 1.0, 2.0, 3.0, 4.0]", a.toString());
        assertTrue(new Tensor("F64", new long[] {20}, new double[20]).toString().endsWith("... (20 values)]"));

        long[] shape = {2, 2};
        Tensor c = new Tensor("F64", shape, new double[4]);
        shape[0] = 7;
        c.shape()[1] = 9;
        assertArrayEquals(new long[] {2, 2}, c.shape());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor("BF16", new long[] {1}, new double[1]));
        assertTrue(e.getMessage().contains("BF16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor("F64", new long[] {2, 3}, new double[5]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("F64", new long[] {-1, -1}, new double[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new Tensor("F64", new long[] {1L << 32, 1L << 32}, new double[0]));
    }

    // ---------------------------------------------------------------- bad files

    private static final byte[] W = f64(1, 2, 3, 4);

    private static byte[] oneTensor(String entryBody, byte[] data) {
        return file("{\"w\": " + entryBody + "}", data);
    }

    @Test
    void missingFile() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Safetensors.read(dir.resolve("model.safetensors")));
        assertEquals("model.safetensors: no such file", e.getMessage());
    }

    @Test
    void badHeaderLengths() throws IOException {
        assertFailure(new byte[5], "file is 5 bytes, too short");
        byte[] huge = file("{}", new byte[1224]);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 9999999999L);
        assertEquals("model.safetensors: header length 9999999999 is larger than the file (1234 bytes)", failure(huge));
        byte[] negative = file("{}", new byte[0]);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        assertFailure(negative, "header length 18446744073709551615 is larger than the file (10 bytes)");
        byte[] tiny = file("{}", new byte[0]);
        tiny[0] = 1;
        assertFailure(tiny, "header length 1 is too small");
    }

    @Test
    void headerOverTheLimit() throws IOException {
        Path p = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 150_000_000L));
            ch.write(ByteBuffer.wrap(new byte[] {0}), 200_000_000L); // sparse: the file is large, not the disk use
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> Safetensors.read(p));
        assertEquals("model.safetensors: header length 150000000 is over the limit of 100000000 bytes", e.getMessage());
    }

    @Test
    void headerThatIsNotAJsonObject() throws IOException {
        assertFailure(file("{\"w\": \u00ff}", new byte[0]), "header is not valid JSON");
        byte[] notUtf8 = file("{\"w\": 1}", new byte[0]);
        notUtf8[8 + 6] = (byte) 0xff;
        assertFailure(notUtf8, "header is not valid UTF-8 (byte 14 of the file)");
        assertFailure(file("[1, 2]", new byte[0]), "header does not begin with '{' (found \"[\")");
        assertFailure(file("{\"w\": [1, 2", new byte[0]), "header is not valid JSON: it ends early");
        assertFailure(file("{\"a\": 1} x", new byte[0]), "header is not valid JSON: trailing text");
        assertFailure(file("{\"a\": " + "[".repeat(1_000_000), new byte[0]), "header is not valid JSON");
    }

    @Test
    void duplicateTensorNamesAreRejected() throws IOException {
        String e = entry("w", "F64", "[2]", 0, 16);
        assertFailure(file("{" + e + ", " + entry("w", "F64", "[2]", 16, 32) + "}", concat(W)),
                "header is not valid JSON: duplicate key w");
    }

    @Test
    void badEntries() throws IOException {
        assertFailure(oneTensor("[1, 2]", W), "tensor 'w': expected an object with dtype, shape and data_offsets, found [1, 2]");
        assertFailure(oneTensor("{\"dtype\": \"F64\", \"shape\": [4]}", W), "tensor 'w': no \"data_offsets\"");
        assertFailure(oneTensor("{\"dtype\": \"F64\", \"shape\": [4], \"data_offsets\": [0, 32], \"x\": 1}", W),
                "tensor 'w': unexpected key \"x\"");
        assertFailure(oneTensor("{\"dtype\": 8, \"shape\": [4], \"data_offsets\": [0, 32]}", W),
                "tensor 'w': dtype is not a string (found 8)");
        assertFailure(file("{" + entry("layers.0.weight", "BF16", "[16]", 0, 32) + "}", W),
                "tensor 'layers.0.weight': dtype BF16 is not supported");
        assertFailure(file("{" + entry("w", "I64", "[4]", 0, 32) + "}", W), "tensor 'w': dtype I64 is not supported");
        assertFailure(file("{" + entry("w", "F64", "[4, -1]", 0, 32) + "}", W),
                "tensor 'w': shape [4, -1]: entry 1 is not a non-negative integer");
        assertFailure(file("{" + entry("w", "F64", "[4.0]", 0, 32) + "}", W),
                "tensor 'w': shape [4.0]: entry 0 is not a non-negative integer");
        assertFailure(file("{" + entry("w", "F64", "4", 0, 32) + "}", W), "tensor 'w': shape 4 is not a list");
        assertFailure(file("{" + entry("w", "F64", "[100000, 100000]", 0, 32) + "}", W),
                "tensor 'w': shape [100000, 100000] has more than");
        assertFailure(oneTensor("{\"dtype\": \"F64\", \"shape\": [4], \"data_offsets\": [0, 16, 32]}", W),
                "tensor 'w': data_offsets [0, 16, 32] is not a list of 2 non-negative integers");
        assertFailure(file("{" + entry("w", "F64", "[0]", 32, 0) + "}", W), "data_offsets [32, 0] end before they begin");
        assertFailure(file("{" + entry("w", "F64", "[2, 2]", 0, 16) + "}", W),
                "tensor 'w': data_offsets [0, 16] hold 16 bytes but shape [2, 2] of F64 needs 32");
        assertFailure(file("{" + entry("w", "F32", "[4]", 0, 32) + "}", W), "shape [4] of F32 needs 16");
    }

    @Test
    void truncatedFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        Safetensors.write(p, map("a", new Tensor("F64", new long[] {2}, new double[] {1, 2}),
                "layers.0.weight", new Tensor("F64", new long[] {10, 10}, new double[100])), Map.of());
        byte[] whole = Files.readAllBytes(p);
        long dataLength = whole.length - 8 - headerLength(p);
        byte[] cut = Arrays.copyOf(whole, whole.length - 160);
        assertEquals("model.safetensors: tensor 'layers.0.weight': data_offsets [16, 816] but the data section has "
                + (dataLength - 160) + " bytes (file truncated?)", failure(cut));
    }

    @Test
    void rangesMustTileTheData() throws IOException {
        byte[] data = f64(1, 2, 3);
        assertFailure(file("{" + entry("a", "F64", "[1]", 0, 8) + ", " + entry("b", "F64", "[1]", 16, 24) + "}", data),
                "tensor 'b': data_offsets [16, 24] leave bytes [8, 16) of the data section unused");
        assertFailure(file("{" + entry("a", "F64", "[2]", 0, 16) + ", " + entry("b", "F64", "[2]", 8, 24) + "}", data),
                "tensor 'b': data_offsets [8, 24] overlap tensor 'a' [0, 16]");
        assertFailure(file("{" + entry("b", "F64", "[1]", 8, 16) + ", " + entry("a", "F64", "[1]", 0, 8) + "}", data),
                "the tensors cover 16 bytes but the data section has 24");
        assertFailure(file("{" + entry("a", "F64", "[1]", 8, 16) + "}", data), "leave bytes [0, 8)");
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        assertFailure(file("{\"__metadata__\": {\"k\": 1}}", new byte[0]), "__metadata__ 'k' is not a string (found 1)");
        assertFailure(file("{\"__metadata__\": \"x\"}", new byte[0]), "__metadata__ is not an object of strings");
    }

    @Test
    void aBadLaterTensorFailsTheWholeRead() throws IOException {
        byte[] bytes = file("{" + entry("a", "F64", "[1]", 0, 8) + ", " + entry("b", "F16", "[4]", 8, 16) + "}",
                f64(1, 2));
        assertFailure(bytes, "tensor 'b': dtype F16 is not supported");
    }

    @Test
    void anOffsetBeyondLongIsOutOfRangeNotInvalidJson() throws IOException {
        String header = "{\"w\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 1180591620717411303424]}}";
        String m = failure(file(header, f64(1)));
        assertTrue(m.contains("data_offsets: entry 1 (1180591620717411303424) is out of range"), m);
    }

    @Test
    void aLongTensorNameIsQuotedToEightyCharacters() throws IOException {
        String name = "w".repeat(100_000);
        String m = failure(file("{" + entry(name, "F64", "[2, 2]", 0, 31) + "}", W));
        assertTrue(m.contains("tensor '" + "w".repeat(80) + "...' (100000 characters)"), m);
        assertTrue(m.length() < 300, m);
    }
}
