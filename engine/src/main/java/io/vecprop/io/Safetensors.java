package io.vecprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON naming each tensor's dtype, shape
 * and byte range in the data section, then the data section (little-endian, row-major, packed).
 * Only the F64 and F32 dtypes are supported; values are held as doubles either way.
 *
 * <p>Reading treats the file as untrusted: the whole header is checked (lengths, types, dtypes,
 * shapes, offsets, and that the byte ranges tile the data section exactly) before any tensor is
 * allocated, and any problem is a {@link DataFormatException} naming the file and what was wrong.
 */
public final class Safetensors {

    /** The largest header read, as in the reference implementation. */
    static final long MAX_HEADER = 100_000_000;

    /** The largest number of elements one tensor may have (the largest Java array). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final String METADATA = "__metadata__";
    private static final int CHUNK = 1 << 16;

    private Safetensors() {}

    /**
     * One tensor: dtype {@code "F64"} or {@code "F32"}, its shape, and its values (row-major) as
     * doubles. F32 values are widened exactly when read and narrowed with {@code (float)} when
     * written. The shape is copied; the values array is held as given (not copied), like the
     * matrices of a {@link Dataset}. Equality, hash code and string form are by content.
     */
    public record Tensor(String dtype, long[] shape, double[] values) {

        /** @throws IllegalArgumentException if the dtype is unsupported or the shape does not hold the values */
        public Tensor {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(values, "values");
            if (elementSize(dtype) < 0) {
                throw new IllegalArgumentException("dtype " + dtype + " is not supported (only F64 and F32)");
            }
            shape = shape.clone();
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
                }
                count = count > MAX_ELEMENTS || d > MAX_ELEMENTS ? Long.MAX_VALUE : count * d;
            }
            if (count != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
                        + values.length + " values");
            }
        }

        /** The shape (a copy). */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                    && Arrays.equals(values, t.values);
        }

        @Override
        public int hashCode() {
            return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(values);
        }

        /** Dtype, shape and the first few values, e.g. {@code Tensor[F64 [2, 2]: 1.0, 2.0, 3.0, 4.0]}. */
        @Override
        public String toString() {
            int shown = Math.min(values.length, 8);
            StringBuilder sb = new StringBuilder("Tensor[").append(dtype).append(' ').append(Arrays.toString(shape))
                    .append(':');
            for (int i = 0; i < shown; i++) {
                sb.append(i == 0 ? " " : ", ").append(values[i]);
            }
            if (shown < values.length) {
                sb.append(", ... (").append(values.length).append(" values)");
            }
            return sb.append(']').toString();
        }
    }

    /** A file's tensors and its {@code __metadata__} strings, both in file order and unmodifiable. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {

        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** Bytes per element of a supported dtype, or -1. */
    private static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            default -> -1;
        };
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the tensors (in the map's order) and metadata atomically ({@link AtomicFiles}): a crash
     * or an exception never leaves a half-written file in place of a good one. The header is padded
     * with spaces so the data section starts at an 8-byte-aligned offset.
     *
     * @param metadata written as {@code __metadata__} when not empty
     * @throws IllegalArgumentException for a tensor named {@code __metadata__}, a name that is not
     *     valid Unicode, or a header over {@value #MAX_HEADER} bytes
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Map.Entry<String, Tensor>> list = List.copyOf(tensors.entrySet());
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, String> meta = new LinkedHashMap<>();
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, "metadata value")));
            header.put(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : list) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            Tensor t = Objects.requireNonNull(e.getValue(), name);
            if (name.equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            }
            long end = offset + (long) t.values.length * elementSize(t.dtype);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype);
            entry.put("shape", Arrays.stream(t.shape).boxed().toList());
            entry.put("data_offsets", List.of(offset, end));
            header.put(name, entry);
            offset = end;
        }
        byte[] json = utf8(Json.write(header));
        int padded = (json.length + 7) & ~7;
        if (padded > MAX_HEADER) {
            throw new IllegalArgumentException("header of " + padded + " bytes is over the " + MAX_HEADER + "-byte limit");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                for (Map.Entry<String, Tensor> e : list) {
                    Tensor t = e.getValue();
                    boolean f64 = t.dtype.equals("F64");
                    for (double v : t.values) {
                        if (buf.remaining() < 8) {
                            buf.flip();
                            writeFully(ch, buf);
                            buf.clear();
                        }
                        if (f64) {
                            buf.putDouble(v);
                        } else {
                            buf.putFloat((float) v);
                        }
                    }
                }
                buf.flip();
                writeFully(ch, buf);
                if (Files.isRegularFile(tmp)) {
                    ch.force(true); // the data is on disk before the rename makes it the file (a device has no disk)
                }
            }
        });
    }

    private static byte[] utf8(String s) {
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer b = enc.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a tensor name or metadata string is not valid Unicode", e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    // ---------------------------------------------------------------- reading

    /** One header entry, checked against the file. */
    private record Entry(String name, String dtype, long[] shape, int count, long begin, long end) {

        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /**
     * Reads a whole file: all tensors and metadata, or a {@link DataFormatException} (message starting
     * with the file name) and nothing.
     */
    public static Contents read(Path file) throws IOException {
        String name = String.valueOf(file.getFileName() != null ? file.getFileName() : file);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(name + ": no such file", e);
        }
        try (ch) {
            return new Reader(name, ch).read();
        }
    }

    /** The reading of one open file. */
    private static final class Reader {

        private final String name;
        private final FileChannel ch;

        Reader(String name, FileChannel ch) {
            this.name = name;
            this.ch = ch;
        }

        private DataFormatException fail(String message) {
            return new DataFormatException(name + ": " + message);
        }

        Contents read() throws IOException {
            long size = ch.size();
            if (size < 8) {
                throw fail("file is " + size + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(lenBuf, 0, "the header length");
            long n = lenBuf.flip().getLong();
            String shown = Long.toUnsignedString(n);
            if (Long.compareUnsigned(n, 2) < 0) {
                throw fail("header length " + shown + " is too small (at least 2, for {})");
            }
            if (Long.compareUnsigned(n, size - 8) > 0) {
                throw fail("header length " + shown + " is larger than the file (" + size + " bytes)");
            }
            if (n > MAX_HEADER) {
                throw fail("header length " + shown + " is over the limit of " + MAX_HEADER + " bytes");
            }
            Map<?, ?> header = header((int) n);
            long dataLength = size - 8 - n;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String key = (String) e.getKey();
                if (key.equals(METADATA)) {
                    metadata(e.getValue(), metadata);
                } else {
                    entries.add(entry(key, e.getValue(), dataLength));
                }
            }
            checkTiling(entries, dataLength);

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name, new Tensor(e.dtype, e.shape, data(e, 8 + n)));
            }
            return new Contents(tensors, metadata);
        }

        /** The header's JSON object: strict UTF-8, beginning with '{'. */
        private Map<?, ?> header(int n) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(n);
            readFully(bytes, 8, "the header");
            bytes.flip();
            CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer chars = CharBuffer.allocate(n);
            CoderResult r = dec.decode(bytes, chars, true);
            if (r.isError()) {
                throw fail("header is not valid UTF-8 (byte " + (8 + bytes.position()) + " of the file)");
            }
            dec.flush(chars);
            String text = chars.flip().toString();
            if (text.charAt(0) != '{') {
                throw fail("header does not begin with '{' (found " + Json.write(text.substring(0, 1)) + ")");
            }
            Object parsed;
            try {
                parsed = JsonReader.parse(text);
            } catch (RuntimeException | StackOverflowError e) {
                String why = e instanceof StackOverflowError ? "nested too deeply"
                        : e instanceof IndexOutOfBoundsException ? "it ends early" : e.getMessage();
                throw new DataFormatException(name + ": header is not valid JSON: " + why, e);
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw fail("header is not a JSON object");
            }
            return map;
        }

        private void metadata(Object value, Map<String, String> into) throws DataFormatException {
            if (!(value instanceof Map<?, ?> map)) {
                throw fail(METADATA + " is not an object of strings (found " + show(value) + ")");
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw fail(METADATA + " " + Excerpt.quote(String.valueOf(e.getKey())) + " is not a string (found " + show(e.getValue()) + ")");
                }
                into.put((String) e.getKey(), s);
            }
        }

        /** Checks one tensor's entry on its own: keys, types, dtype, shape, offsets against its size and the data. */
        private Entry entry(String tensor, Object value, long dataLength) throws DataFormatException {
            String where = "tensor " + Excerpt.quote(tensor) + ": ";
            if (!(value instanceof Map<?, ?> map)) {
                throw fail(where + "expected an object with dtype, shape and data_offsets, found " + show(value));
            }
            for (String key : List.of("dtype", "shape", "data_offsets")) {
                if (!map.containsKey(key)) {
                    throw fail(where + "no \"" + key + "\"");
                }
            }
            for (Object key : map.keySet()) {
                if (!List.of("dtype", "shape", "data_offsets").contains(key)) {
                    throw fail(where + "unexpected key \"" + key + "\" (expected dtype, shape, data_offsets)");
                }
            }
            if (!(map.get("dtype") instanceof String dtype)) {
                throw fail(where + "dtype is not a string (found " + show(map.get("dtype")) + ")");
            }
            int elementSize = elementSize(dtype);
            if (elementSize < 0) {
                throw fail(where + "dtype " + dtype + " is not supported (only F64 and F32)");
            }
            long[] shape = longs(where, "shape", map.get("shape"), -1);
            long count = 1;
            for (long d : shape) {
                count = count > MAX_ELEMENTS || d > MAX_ELEMENTS ? Long.MAX_VALUE : count * d;
            }
            if (count > MAX_ELEMENTS) {
                throw fail(where + "shape " + Arrays.toString(shape) + " has more than " + MAX_ELEMENTS + " elements");
            }
            long[] offsets = longs(where, "data_offsets", map.get("data_offsets"), 2);
            Entry e = new Entry(tensor, dtype, shape, (int) count, offsets[0], offsets[1]);
            if (e.begin > e.end) {
                throw fail(where + "data_offsets " + e.offsets() + " end before they begin");
            }
            if (e.end - e.begin != count * elementSize) {
                throw fail(where + "data_offsets " + e.offsets() + " hold " + (e.end - e.begin) + " bytes but shape "
                        + Arrays.toString(shape) + " of " + dtype + " needs " + count * elementSize);
            }
            if (e.end > dataLength) {
                throw fail(where + "data_offsets " + e.offsets() + " but the data section has " + dataLength
                        + " bytes (file truncated?)");
            }
            return e;
        }

        /** A JSON array of non-negative integers (of the given length, unless -1). */
        private long[] longs(String where, String key, Object value, int length) throws DataFormatException {
            String what = key + " " + show(value);
            if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
                throw fail(where + what + " is not " + (length >= 0 ? "a list of " + length : "a list of")
                        + " non-negative integers");
            }
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (list.get(i) instanceof java.math.BigInteger big && big.signum() > 0) {
                    throw fail(where + key + ": entry " + i + " (" + big + ") is out of range (at most 2^63 - 1, and within the "
                            + "file)");
                }
                if (!(list.get(i) instanceof Long v) || v < 0) {
                    throw fail(where + what + ": entry " + i + " is not a non-negative integer");
                }
                out[i] = v;
            }
            return out;
        }

        /** The byte ranges, sorted, must tile the data section: no gap, no overlap, nothing after. */
        private void checkTiling(List<Entry> entries, long dataLength) throws DataFormatException {
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            Entry previous = null;
            long covered = 0;
            for (Entry e : sorted) {
                if (e.begin > covered) {
                    throw fail("tensor " + Excerpt.quote(e.name) + ": data_offsets " + e.offsets() + " leave bytes [" + covered
                            + ", " + e.begin + ") of the data section unused");
                }
                if (e.begin < covered) {
                    throw fail("tensor " + Excerpt.quote(e.name) + ": data_offsets " + e.offsets() + " overlap tensor "
                            + Excerpt.quote(previous.name) + " " + previous.offsets());
                }
                covered = e.end;
                previous = e;
            }
            if (covered != dataLength) {
                throw fail("the tensors cover " + covered + " bytes but the data section has " + dataLength
                        + " (bytes after the last tensor)");
            }
        }

        private double[] data(Entry e, long dataStart) throws IOException {
            double[] values = new double[e.count];
            boolean f64 = e.dtype.equals("F64");
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long pos = dataStart + e.begin;
            int i = 0;
            while (i < values.length) {
                buf.clear().limit((int) Math.min(CHUNK, dataStart + e.end - pos));
                readFully(buf, pos, "tensor " + Excerpt.quote(e.name));
                pos += buf.position();
                buf.flip();
                while (buf.hasRemaining()) {
                    values[i++] = f64 ? buf.getDouble() : buf.getFloat();
                }
            }
            return values;
        }

        private void readFully(ByteBuffer buf, long pos, String what) throws IOException {
            long at = pos;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, at);
                if (r < 0) {
                    throw fail("file ended at byte " + at + " while reading " + what + " (changed while reading?)");
                }
                at += r;
            }
        }
    }

    /** A JSON value for a message, shortened. */
    private static String show(Object value) {
        return Excerpt.cut(Json.write(value));
    }
}
