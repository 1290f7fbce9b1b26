package io.vecprop.io;

import io.vecprop.data.Dataset;
import io.vecprop.data.Memory;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.ejml.data.DMatrixRMaj;

/**
 * Reads MNIST's IDX files, plain or gzip-compressed (told apart by the first two bytes, not by the
 * name): images as rows of pixels scaled to [0, 1], labels as one-hot targets.
 *
 * <p>An IDX file is a magic number (two zero bytes, a type byte, a dimension count byte), one
 * big-endian int32 per dimension, then the data. Only unsigned bytes (type 0x08) are supported;
 * images have 3 dimensions (count, rows, columns), labels 1. The size the header declares is
 * checked against the file (for gzip, against the uncompressed length in its trailer) and against
 * the heap ({@link Memory}) before anything is allocated; as the trailer's length is only 32 bits
 * and can lie, the arrays grow with the data read, so a file shorter than its header fails before
 * the whole size is allocated. Every error is a {@link DataFormatException} naming the file and, where it
 * applies, the byte offset in the uncompressed data.
 */
public final class IdxReader {

    private static final Pattern NAME = Pattern.compile("(?i).*idx\\d-ubyte(\\.gz)?");
    private static final int UBYTE = 0x08;
    private static final int CHUNK = 1 << 16;
    private static final int MAX_ARRAY = Memory.MAX_ARRAY;

    /** Pixel byte value to [0, 1]. */
    private static final double[] PIXEL = new double[256];

    static {
        for (int i = 0; i < PIXEL.length; i++) {
            PIXEL[i] = i / 255.0;
        }
    }

    /** What an IDX file holds. */
    private enum Kind {
        IMAGES(3, "images", 1, "a labels file"),
        LABELS(1, "labels", 3, "an images file");

        final int dims;
        final String what;
        /** The dimension count of the other kind, and what a file with it is. */
        final int otherDims;
        final String other;

        Kind(int dims, String what, int otherDims, String other) {
            this.dims = dims;
            this.what = what;
            this.otherDims = otherDims;
            this.other = other;
        }

        int magic() {
            return UBYTE << 8 | dims;
        }
    }

    private IdxReader() {
    }

    /**
     * Whether a file name looks like IDX: matches {@code .*idx\d-ubyte(\.gz)?} (case-insensitive),
     * e.g. {@code train-images-idx3-ubyte.gz}, {@code t10k-labels.idx1-ubyte}.
     */
    public static boolean isIdxName(Path file) {
        Path name = file.getFileName();
        return name != null && NAME.matcher(name.toString()).matches();
    }

    /**
     * Images (N x rows*cols, pixels/255.0 in [0, 1]) and their labels one-hot into {@code classes}
     * columns, class names "0".."k-1"; the name is the images file name.
     *
     * @param classes the number of classes, or 0 for the largest label + 1
     * @throws DataFormatException when a file is not IDX as expected, the counts differ, or a label
     *     is not below {@code classes}
     */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be >= 0, got " + classes);
        }
        int[] y = readLabels(labels);
        int k = classes;
        if (k == 0) {
            for (int label : y) {
                k = Math.max(k, label + 1);
            }
        }
        DMatrixRMaj x;
        try (Source in = Source.open(images, Kind.IMAGES)) {
            if (in.dims[0] != y.length) {
                throw new DataFormatException(images + " holds " + in.dims[0] + " images but " + labels + " holds "
                        + y.length + " labels: the counts must match");
            }
            if ((long) y.length * k > MAX_ARRAY) {
                throw new DataFormatException(labels + ": " + y.length + " labels of " + k + " classes are too many one-hot"
                        + " targets for one matrix (more than " + MAX_ARRAY + ")");
            }
            x = in.readImages((long) y.length * k * Double.BYTES);
        }
        DMatrixRMaj t = new DMatrixRMaj(y.length, k);
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= k) {
                throw new DataFormatException(labels + ": label " + y[i] + " at index " + i + " (byte "
                        + (Kind.LABELS.dims * 4 + 4 + i) + ") is not below the class count " + k);
            }
            t.data[i * k + y[i]] = 1;
        }
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add(Integer.toString(i));
        }
        return new Dataset(images.getFileName().toString(), x, t, names);
    }

    /** Images alone (for predict): inputs N x rows*cols in [0, 1], targets N x 0. */
    public static Dataset readImages(Path images) throws IOException {
        DMatrixRMaj x = readImageMatrix(images);
        return new Dataset(images.getFileName().toString(), x, new DMatrixRMaj(x.numRows, 0), List.of());
    }

    /** The images of an IDX images file, one per row: N x rows*cols, pixels/255.0 in [0, 1]. */
    public static DMatrixRMaj readImageMatrix(Path images) throws IOException {
        try (Source in = Source.open(images, Kind.IMAGES)) {
            return in.readImages(0);
        }
    }

    /** The labels of an IDX labels file, each 0..255. */
    public static int[] readLabels(Path labels) throws IOException {
        try (Source in = Source.open(labels, Kind.LABELS)) {
            int count = in.dims[0];
            DataFormatException.requireMemory((long) count * Integer.BYTES, labels.toString(), count + " labels");
            int[][] y = {new int[in.initialLength()]};
            in.read((buf, n, at) -> {
                if (at + n > y[0].length) {
                    y[0] = Arrays.copyOf(y[0], in.grown(y[0].length, at + n));
                }
                for (int i = 0; i < n; i++) {
                    y[0][at + i] = buf[i] & 0xFF;
                }
            });
            return y[0];
        }
    }

    /** Receives the data in chunks: n bytes of buf, the first one being value number {@code at}. */
    private interface Chunks {
        void accept(byte[] buf, int n, int at);
    }

    /** An IDX file open at its data, its header read and its size checked against the file. */
    private static final class Source implements Closeable {

        final Path file;
        final int[] dims;
        private final InputStream in;
        private final boolean gzip;
        private final int headerBytes;
        private final int dataBytes;
        private long pos; // bytes read so far, in the uncompressed data

        private Source(Path file, InputStream in, Kind kind, boolean gzip) throws IOException {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.headerBytes = 4 + 4 * kind.dims;
            byte[] h = new byte[headerBytes];
            readHeader(h, 4);
            int magic = ByteBuffer.wrap(h).getInt();
            checkMagic(magic, kind);
            readHeader(h, headerBytes);
            ByteBuffer b = ByteBuffer.wrap(h, 4, headerBytes - 4);
            dims = new int[kind.dims];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = b.getInt();
                if (dims[i] < 0) {
                    throw new DataFormatException(file + ": dimension " + (i + 1) + " is negative (" + dims[i] + ")");
                }
            }
            long size = 1;
            for (int d : dims) {
                size *= d; // stays below 2^62: each factor is below 2^31 and the product is checked
                if (size > MAX_ARRAY) {
                    throw new DataFormatException(file + ": header declares " + declared(kind)
                            + ": more values than one array holds (" + MAX_ARRAY + ")");
                }
            }
            dataBytes = (int) size;
            if (size == 0) {
                throw new DataFormatException(file + ": header declares " + declared(kind) + ": no data");
            }
        }

        /**
         * Opens a file, reads its header and checks the declared size against the file's. One stream
         * is opened and its first two bytes are sniffed through a mark, so a pipe ({@code /dev/stdin})
         * reads as well as a file; for what is not a regular file the size is checked as it is read.
         */
        static Source open(Path file, Kind kind) throws IOException {
            InputStream raw;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
            } catch (NoSuchFileException e) {
                throw new DataFormatException(file + ": no such file", e);
            }
            Source s;
            boolean gzip = false;
            try {
                raw.mark(2);
                gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, CHUNK), CHUNK) : raw;
                s = new Source(file, in, kind, gzip);
            } catch (IOException e) {
                raw.close();
                throw gzip ? gzipError(file, e) : e;
            } catch (RuntimeException e) {
                raw.close();
                throw e;
            }
            try {
                if (Files.isRegularFile(file)) {
                    s.checkSize(kind, gzip, Files.size(file));
                }
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }

        private void checkMagic(int magic, Kind kind) throws DataFormatException {
            int type = magic >>> 8 & 0xFF;
            int dimCount = magic & 0xFF;
            if (magic >>> 16 == 0 && type != UBYTE && typeName(type) != null) {
                throw new DataFormatException(String.format(
                        "%s: IDX data type 0x%02X (%s) is not supported, only 0x08 (unsigned byte)",
                        file, type, typeName(type)));
            }
            if (magic >>> 8 == UBYTE && dimCount != kind.dims) {
                throw new DataFormatException(file + ": expected " + kind.dims + " dimension"
                        + (kind.dims == 1 ? "" : "s") + " (" + kind.what + "), found " + dimCount
                        + (dimCount == kind.otherDims ? ": is this " + kind.other + "?" : ""));
            }
            if (magic != kind.magic()) {
                throw new DataFormatException(String.format("%s: magic number 0x%08X, expected 0x%08X (IDX %s)",
                        file, magic, kind.magic(), kind.what));
            }
        }

        private static String typeName(int type) {
            return switch (type) {
                case 0x08 -> "unsigned byte";
                case 0x09 -> "signed byte";
                case 0x0B -> "short";
                case 0x0C -> "int";
                case 0x0D -> "float";
                case 0x0E -> "double";
                default -> null;
            };
        }

        /** "60000 images of 28x28 (47040016 bytes)" or "60000 labels (60008 bytes)". */
        private String declared(Kind kind) {
            return shape(kind) + " (" + totalBytes() + " bytes)";
        }

        /** "60000 images of 28x28" or "60000 labels". */
        private String shape(Kind kind) {
            return kind == Kind.IMAGES ? dims[0] + " images of " + dims[1] + "x" + dims[2] : dims[0] + " labels";
        }

        /** Header and data bytes as declared (exact even when too large for a long). */
        private BigInteger totalBytes() {
            BigInteger total = BigInteger.valueOf(headerBytes);
            BigInteger values = BigInteger.ONE;
            for (int d : dims) {
                values = values.multiply(BigInteger.valueOf(d));
            }
            return total.add(values);
        }

        private void checkSize(Kind kind, boolean gzip, long fileSize) throws IOException {
            long expected = (long) headerBytes + dataBytes;
            if (!gzip) {
                if (fileSize != expected) {
                    throw new DataFormatException(file + ": header declares " + declared(kind)
                            + " but the file holds " + fileSize + " bytes");
                }
                return;
            }
            long isize;
            try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                ch.position(Math.max(0, fileSize - 4));
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // fill
                }
                isize = b.getInt(0) & 0xFFFFFFFFL;
            }
            if ((expected & 0xFFFFFFFFL) != isize) {
                // a file of several gzip members (valid: gunzip -t passes) has only the last one's length in
                // its trailer: decompress to count before calling it a mismatch
                DataFormatException mismatch = gzipMismatch(kind, expected);
                if (mismatch != null) {
                    throw mismatch;
                }
            }
        }

        /** Why the gzip trailer disagrees with the header, or null when the whole stream holds what it declares. */
        private DataFormatException gzipMismatch(Kind kind, long expected) {
            long n = 0;
            try (InputStream z = new GZIPInputStream(Files.newInputStream(file), CHUNK)) {
                byte[] buf = new byte[CHUNK];
                for (int r; (r = z.read(buf)) >= 0; ) {
                    n += r;
                }
            } catch (EOFException e) {
                return new DataFormatException(file + ": gzip data truncated at byte " + n + ", expected " + expected
                        + " bytes for " + shape(kind) + ": is the .gz file complete?", e);
            } catch (IOException e) {
                return gzipError(file, e);
            }
            return n == expected ? null : new DataFormatException(file + ": header declares " + declared(kind)
                    + " but the gzip data holds " + n + " bytes");
        }

        private static DataFormatException gzipError(Path file, IOException e) {
            if (e instanceof DataFormatException d) {
                return d;
            }
            String why = e instanceof EOFException ? "it ends early"
                    : "Corrupt GZIP trailer".equals(e.getMessage()) ? "CRC or length check failed" : e.getMessage();
            return new DataFormatException(file + ": corrupt gzip data (" + why + ")", e);
        }

        /** The images, one per row, once they and {@code targetBytes} more are known to fit in memory. */
        DMatrixRMaj readImages(long targetBytes) throws IOException {
            DataFormatException.requireMemory((long) dataBytes * Double.BYTES + targetBytes, file.toString(),
                    shape(Kind.IMAGES) + (targetBytes > 0 ? " and their labels" : ""));
            double[][] data = {new double[initialLength()]};
            read((buf, n, at) -> {
                if (at + n > data[0].length) {
                    data[0] = Arrays.copyOf(data[0], grown(data[0].length, at + n));
                }
                for (int i = 0; i < n; i++) {
                    data[0][at + i] = PIXEL[buf[i] & 0xFF];
                }
            });
            return DMatrixRMaj.wrap(dims[0], dims[1] * dims[2], data[0]);
        }

        /** The length an array of the values starts at: all of them, or 1 Mi when more are declared. */
        int initialLength() {
            return Math.min(dataBytes, 1 << 20);
        }

        /** The length an array of length values grows to for need: doubled, at most the declared count. */
        int grown(int length, int need) {
            return (int) Math.min(dataBytes, Math.max(need, 2L * length));
        }

        /** Reads the header's first n bytes into h (pos must be where they continue). */
        private void readHeader(byte[] h, int n) throws IOException {
            while (pos < n) {
                int r = in.read(h, (int) pos, n - (int) pos);
                if (r < 0) {
                    throw new DataFormatException(file + ": truncated at byte " + pos + " in the header, expected "
                            + headerBytes + " header bytes");
                }
                pos += r;
            }
        }

        /** Reads the data in chunks, then checks that nothing follows. */
        void read(Chunks sink) throws IOException {
            long expected = (long) headerBytes + dataBytes;
            int count = dataBytes;
            byte[] buf = new byte[CHUNK];
            int done = 0;
            try {
                while (done < count) {
                    int r = in.read(buf, 0, Math.min(CHUNK, count - done));
                    if (r < 0) {
                        throw new EOFException();
                    }
                    sink.accept(buf, r, done);
                    done += r;
                    pos += r;
                }
                if (in.read() >= 0) {
                    if (gzip) {
                        // more data than declared from a deflate stream is most often corruption: its CRC says so
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    throw new DataFormatException(file + ": trailing bytes after byte " + expected
                            + ": the header declares " + expected + " bytes");
                }
            } catch (EOFException e) {
                throw new DataFormatException(file + ": truncated at byte " + pos + ", expected " + expected
                        + " bytes", e);
            } catch (ZipException e) {
                throw gzipError(file, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
