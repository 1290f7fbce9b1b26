package io.vecprop.kernels.simd;

import static io.vecprop.kernels.Tuning.GEMM_KC;
import static io.vecprop.kernels.Tuning.GEMM_MC_PANELS;
import static io.vecprop.kernels.Tuning.GEMM_MIN_PACKED;
import static io.vecprop.kernels.Tuning.GEMM_NC_PANELS;
import static io.vecprop.kernels.Tuning.GEMM_WHOLE_A_MAX;

import io.vecprop.GenerateF32;
import io.vecprop.kernels.AlignedBuffers;
import io.vecprop.kernels.PackClock;
import io.vecprop.kernels.Parallel;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed matrix product of the SIMD kernels, {@code C = op(A)·op(B) + bias} or
 * {@code C += alpha·op(A)·op(B)}, in the structure of BLIS: op(A) packed into panels of
 * {@link #MR} rows, op(B) into panels of {@link #NR} columns, and a 5 x 4-vector micro-kernel
 * that keeps its 20 accumulators in registers for {@link #KC} steps.
 *
 * <p>Threads take column ranges of C when it is at least as wide as it is tall, row ranges
 * otherwise, and each packs everything it reads itself: per KC x NC block of op(B) (a block fits
 * L2), then per MC x KC block of op(A), scaled by alpha, just before its panels run the
 * micro-kernel across the block's panels of B (one MR x KC panel of A fits L1). So a thread never
 * reads what another packed (which would cross cores, and on this machine's VM cost a quarter of
 * the second thread), and the packing a split repeats is that of the smaller side, at most
 * 1/NC (or 1/m) of the multiply-adds. Every element of C is summed in the same order whatever the
 * thread count, so results are bit-identical for 1, 2 or 3 threads.
 *
 * <p>Packing transposes V x V blocks in registers (two-vector {@code selectFrom}, three stages
 * for 8 lanes, four for 16); other widths pack element by element. Buffers grow to the largest
 * product seen and are kept: after warm-up a product allocates nothing. One instance serves one
 * caller at a time.
 */
@GenerateF32
final class SimdGemm implements IntConsumer {

    static final VectorSpecies<Double> S = SimdDenseKernels.S;
    static final int V = S.length();
    /**
     * Rows of the micro-tile (A values broadcast per depth step): a fact of {@link #micro}, which
     * is written out for 5 rows of 4 vectors. 20 accumulators and, with the operands, 29 of the 32
     * vector registers, so C2 spills none; 6 x 4 and 4 x 6 were measured slower (the measured-speed notes in docs).
     */
    static final int MR = 5;
    /** Vectors across the micro-tile (B vectors loaded per depth step), as {@link #micro} is written. */
    static final int NR_VECTORS = 4;
    /** Columns of the micro-tile. */
    static final int NR = NR_VECTORS * V;
    /** Depth of a packed block. */
    static final int KC = GEMM_KC;
    /** Columns of a packed block of B. */
    static final int NC = NR * GEMM_NC_PANELS;
    /** Rows of a packed block of A, when a thread's rows of op(A) are too many to pack at once. */
    static final int MC = MR * GEMM_MC_PANELS;

    /** Where packed B panels start in their buffer: on a cache line when the JVM allows (see AlignedBuffers). */
    static final int B_START = AlignedBuffers.OFFSET;

    /**
     * Whether packing runs on V x V register transposes (V = 8 or 16 lanes, so three or four
     * stages). Always the kernels' species: a second species of the same element type (a 256-bit
     * FloatVector next to the 512-bit one) makes C2's type profiles of the shared vector methods
     * polymorphic, and vector code elsewhere in the JVM then boxes (measured: 686 KB per step).
     */
    static final boolean VECTOR_PACK = (V == 8 || V == 16) && MR <= V && NR % V == 0;
    /** Steps of a panel of A that the overhang of one V-lane store reaches: MR valid lanes, V - MR beyond. */
    private static final int OVERHANG = (V - 1) / MR;
    /** Select indices of the transpose stages: stage s pairs rows 2^s apart (see {@link #stageIndices}). */
    private static final double[][] LO = stageIndices(true), HI = stageIndices(false);

    private final Parallel parallel;
    /** Per thread chunk: one MC x KC block of op(A), packed and scaled, its panel at row ic + r at {@code r·kc}. */
    private final double[][] packedA;
    /** Per thread chunk: one KC x NC block of op(B), from {@link #B_START}. */
    private final double[][] packedB;
    /** Per thread chunk: an MR x NR tile for edges. */
    private final double[][] tiles;

    // the call being run, for accept(): set by gemm, cleared after it
    private int chunks, m, n, k;
    private double alpha;
    private double[] a, b, c, bias;
    private boolean transA, transB, overwrite;

    SimdGemm(Parallel parallel) {
        this.parallel = parallel;
        packedA = new double[parallel.threads()][];
        packedB = new double[parallel.threads()][];
        tiles = new double[parallel.threads()][];
    }

    /**
     * {@code C[m x n] = op(A)·op(B) + bias} (each row of C gets bias; zero when bias is null) when
     * {@code overwrite}, else {@code C += alpha·op(A)·op(B)}. op(A) is m x k, stored m x k, or
     * k x m when transA; op(B) is k x n, stored k x n, or n x k when transB.
     *
     * @param chunks how many threads share the work (at most the pool's size)
     */
    void gemm(int chunks, int m, int n, int k, double alpha, double[] a, boolean transA, double[] b, boolean transB,
            double[] c, double[] bias, boolean overwrite) {
        if ((long) m * n * k < GEMM_MIN_PACKED) {
            direct(m, n, k, alpha, a, transA, b, transB, c, bias, overwrite);
            return;
        }
        this.chunks = Math.max(1, Math.min(chunks, packedB.length));
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.transA = transA;
        this.b = b;
        this.transB = transB;
        this.c = c;
        this.bias = bias;
        this.overwrite = overwrite;
        try {
            run();
        } finally {
            this.a = this.b = this.c = this.bias = null; // keep no caller's array alive
        }
    }

    private void run() {
        if (chunks == 1) {
            accept(0);
        } else {
            parallel.forEachChunk(chunks, this);
        }
    }

    /** Whether a product of this shape is split over rows of C (else over columns): over its longer side. */
    static boolean splitsRows(int m, int n) {
        return m > n;
    }

    /** The units a split of this shape deals out: row panels or column panels of C. */
    static int splitUnits(int m, int n) {
        return splitsRows(m, n) ? (m + MR - 1) / MR : (n + NR - 1) / NR;
    }

    @Override
    public void accept(int ch) {
        if (splitsRows(m, n)) {
            multiply(ch, Parallel.chunkStart(m, chunks, ch, MR), Parallel.chunkStart(m, chunks, ch + 1, MR), 0, n);
        } else {
            multiply(ch, 0, m, Parallel.chunkStart(n, chunks, ch, NR), Parallel.chunkStart(n, chunks, ch + 1, NR));
        }
    }

    /** Small products: plain loops, each element summed over p ascending with one fma per term. */
    private static void direct(int m, int n, int k, double alpha, double[] a, boolean transA, double[] b,
            boolean transB, double[] c, double[] bias, boolean overwrite) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum = Math.fma(av, bv, sum);
                }
                int ci = i * n + j;
                c[ci] = overwrite ? sum + (bias == null ? 0 : bias[j]) : Math.fma(alpha, sum, c[ci]);
            }
        }
    }

    /**
     * Rows [rFrom, rTo) x columns [cFrom, cTo) of C, block by block. When the rows' op(A) of one
     * depth block fits {@link io.vecprop.kernels.Tuning#GEMM_WHOLE_A_MAX} (every product the
     * workloads make), it is packed once per depth block and every block of B runs against it;
     * otherwise (BLIS's order) per block of B, per MC rows.
     */
    private void multiply(int ch, int rFrom, int rTo, int cFrom, int cTo) {
        long aSize = (long) (rTo - rFrom + MR - 1) / MR * MR * KC;
        boolean wholeA = aSize <= GEMM_WHOLE_A_MAX;
        aSize = wholeA ? aSize : (long) MC * KC;
        if (packedB[ch] == null) {
            packedB[ch] = AlignedBuffers.allocate(KC * NC);
            tiles[ch] = new double[MR * NR];
        }
        if (packedA[ch] == null || packedA[ch].length < aSize) {
            packedA[ch] = new double[(int) aSize];
        }
        double[] ap = packedA[ch];
        double[] bp = packedB[ch];
        if (wholeA) {
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                long t0 = packStart();
                packA(ap, pc, kc, rFrom, rTo);
                packEnd(ch, t0);
                for (int jc = cFrom; jc < cTo; jc += NC) {
                    int nc = Math.min(NC, cTo - jc);
                    t0 = packStart();
                    packB(pc, kc, jc, nc, bp);
                    packEnd(ch, t0);
                    panels(ch, kc, pc, ap, rFrom, rTo, bp, jc, nc);
                }
            }
            return;
        }
        for (int jc = cFrom; jc < cTo; jc += NC) {
            int nc = Math.min(NC, cTo - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                long t0 = packStart();
                packB(pc, kc, jc, nc, bp);
                packEnd(ch, t0);
                for (int ic = rFrom; ic < rTo; ic += MC) {
                    int icEnd = Math.min(ic + MC, rTo);
                    t0 = packStart();
                    packA(ap, pc, kc, ic, icEnd);
                    packEnd(ch, t0);
                    panels(ch, kc, pc, ap, ic, icEnd, bp, jc, nc);
                }
            }
        }
    }

    /** Rows [from, to) of C, whose op(A) is packed in ap from row from, across the panels of a packed block of B. */
    private void panels(int ch, int kc, int pc, double[] ap, int from, int to, double[] bp, int jc, int nc) {
        boolean first = overwrite && pc == 0;
        for (int ir = from; ir < to; ir += MR) {
            int aOff = (ir - from) * kc;
            int rows = Math.min(MR, m - ir);
            for (int jr = 0; jr < nc; jr += NR) {
                tile(ch, kc, ap, aOff, bp, B_START + jr * kc, ir * n + jc + jr, jc + jr, rows, Math.min(NR, nc - jr), first);
            }
        }
    }

    /** When a pack starts, if a profile times packing (else 0). */
    private static long packStart() {
        return PackClock.on() ? System.nanoTime() : 0;
    }

    /** Adds a pack's time to chunk ch's sum, if it was timed. */
    private static void packEnd(int ch, long t0) {
        if (t0 != 0) {
            PackClock.add(ch, System.nanoTime() - t0);
        }
    }

    /** One tile of C: a full one straight from the micro-kernel, an edge one through {@link #edge}. */
    private void tile(int ch, int kc, double[] ap, int aOff, double[] bp, int bOff, int cOff, int col, int rows, int cols,
            boolean first) {
        if (rows == MR && cols == NR) {
            if (first) {
                initRows(cOff, col);
            }
            micro(kc, ap, aOff, bp, bOff, c, cOff, n);
        } else {
            edge(ch, kc, ap, aOff, bp, bOff, cOff, col, rows, cols, first);
        }
    }

    /** Before the first block adds to a full tile: its rows of C set to the bias, or zero. */
    private void initRows(int cOff, int col) {
        for (int r = 0, o = cOff; r < MR; r++, o += n) {
            if (bias == null) {
                Arrays.fill(c, o, o + NR, 0);
            } else {
                System.arraycopy(bias, col, c, o, NR);
            }
        }
    }

    /** A tile at the bottom or right edge: through a full-size buffer, then its valid part back to C. */
    private void edge(int ch, int kc, double[] ap, int aOff, double[] bp, int bOff, int cOff, int col, int rows, int cols,
            boolean first) {
        double[] tile = tiles[ch];
        Arrays.fill(tile, 0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                tile[r * NR + j] = first ? (bias == null ? 0 : bias[col + j]) : c[cOff + r * n + j];
            }
        }
        micro(kc, ap, aOff, bp, bOff, tile, 0, NR);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * NR, c, cOff + r * n, cols);
        }
    }

    /**
     * Packs rows [from, to) (from a multiple of MR) of op(A)[.][pc..pc+kc) into ap, times alpha:
     * the panel at row ir holds kc steps of MR values from {@code (ir - from)·kc}, rows past m zero.
     */
    private void packA(double[] ap, int pc, int kc, int from, int to) {
        int ir = from;
        if (VECTOR_PACK && transA && from + V <= m) {
            // op(A) = A^T: each step's MR values are adjacent in a row of the stored k x m matrix, so
            // row by row (a stream; panel by panel, the rows' lines m apart would alias in L1), each
            // store into its panel. A store writes V lanes, MR valid: the rest land in that panel's
            // later steps, written after it, so the last steps are scalar.
            int vecTo = Math.min(to, from + ((m - V - from) / MR + 1) * MR);
            int p = 0;
            for (; p + OVERHANG < kc; p++) {
                int src = (pc + p) * m;
                for (int i = from; i < vecTo; i += MR) {
                    DoubleVector.fromArray(S, a, src + i).mul(alpha).intoArray(ap, (i - from) * kc + p * MR);
                }
            }
            for (; p < kc; p++) {
                for (int i = from; i < vecTo; i += MR) {
                    for (int r = 0; r < MR; r++) {
                        ap[(i - from) * kc + p * MR + r] = alpha * a[(pc + p) * m + i + r];
                    }
                }
            }
            ir = vecTo;
        }
        for (; ir < to; ir += MR) {
            int base = (ir - from) * kc;
            int rows = Math.min(MR, m - ir);
            if (VECTOR_PACK && !transA && rows == MR) {
                // V steps at a time through a V x V transpose of MR rows (and zero rows below them);
                // as above, each store's overhang is overwritten by the next, so the last steps are scalar
                int p = 0;
                for (; p + V + OVERHANG <= kc; p += V) {
                    transpose(a, ir * k + pc + p, k, MR, alpha, ap, base + p * MR, MR);
                }
                for (; p < kc; p++) {
                    for (int r = 0; r < MR; r++) {
                        ap[base + p * MR + r] = alpha * a[(ir + r) * k + pc + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    for (int r = 0; r < MR; r++) {
                        ap[dst + r] = r < rows ? alpha * (transA ? a[(pc + p) * m + ir + r] : a[(ir + r) * k + pc + p]) : 0;
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc..pc+kc)[jc..jc+nc) as panels of NR columns, each kc steps of NR values, columns past nc zero. */
    private void packB(int pc, int kc, int jc, int nc, double[] bp) {
        if (!transB) {
            // op(B) = B: each row of the block read once, front to back, into every panel in turn
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * n + jc;
                for (int jr = 0; jr < nc; jr += NR) {
                    int cols = Math.min(NR, nc - jr);
                    int dst = B_START + jr * kc + p * NR;
                    System.arraycopy(b, src + jr, bp, dst, cols);
                    if (cols < NR) {
                        Arrays.fill(bp, dst + cols, dst + NR, 0);
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = B_START + jr * kc;
            if (VECTOR_PACK && cols == NR) {
                // op(B) = B^T: V columns of op(B) are V rows of the stored n x k matrix, transposed in
                // registers; V rows at a time along their length, so the reads are V sequential streams
                int vecEnd = kc - kc % V;
                for (int j = 0; j < NR; j += V) {
                    for (int p = 0; p < vecEnd; p += V) {
                        transpose(b, (jc + jr + j) * k + pc + p, k, V, 1, bp, base + p * NR + j, NR);
                    }
                }
                for (int p = vecEnd; p < kc; p++) {
                    for (int j = 0; j < NR; j++) {
                        bp[base + p * NR + j] = b[(jc + jr + j) * k + pc + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR;
                    for (int j = 0; j < NR; j++) {
                        bp[dst + j] = j < cols ? b[(jc + jr + j) * k + pc + p] : 0;
                    }
                }
            }
        }
    }

    /**
     * Transposes the V x V block of {@code src} at {@code from} (rows {@code lds} apart; rows from
     * {@code rows} on read as zero) into {@code dst} at {@code to} (rows {@code ldd} apart, stored
     * in ascending order), times {@code scale}. log2(V) stages of two-vector selects interleave
     * lanes 1, 2, 4 (and 8) apart, as SIMD code does with unpack and shuffle instructions.
     */
    private static void transpose(double[] src, int from, int lds, int rows, double scale, double[] dst, int to, int ldd) {
        if (V == 8) {
            transpose8(src, from, lds, rows, scale, dst, to, ldd);
        } else {
            transpose16(src, from, lds, rows, scale, dst, to, ldd);
        }
    }

    /**
     * The select indices of every transpose stage, {@code lo} or {@code hi}: stage s, at distance
     * d = 2^s, takes lanes with bit d clear from the first vector and the others from the second,
     * shifted by d, so that after all stages vector i holds column i.
     */
    private static double[][] stageIndices(boolean lo) {
        int stages = Integer.numberOfTrailingZeros(V);
        double[][] idx = new double[stages][V];
        for (int s = 0; s < stages; s++) {
            int d = 1 << s;
            for (int l = 0; l < V; l++) {
                boolean first = (l & d) == 0;
                idx[s][l] = lo ? (first ? l : V + l - d) : (first ? l + d : V + l);
            }
        }
        return idx;
    }

    // Written out, one method per width: vectors crossing a call box.
    private static void transpose8(double[] src, int from, int lds, int rows, double scale, double[] dst, int to, int ldd) {
        DoubleVector x0 = DoubleVector.fromArray(S, src, from);
        DoubleVector x1 = rows > 1 ? DoubleVector.fromArray(S, src, from + lds) : DoubleVector.zero(S);
        DoubleVector x2 = rows > 2 ? DoubleVector.fromArray(S, src, from + 2 * lds) : DoubleVector.zero(S);
        DoubleVector x3 = rows > 3 ? DoubleVector.fromArray(S, src, from + 3 * lds) : DoubleVector.zero(S);
        DoubleVector x4 = rows > 4 ? DoubleVector.fromArray(S, src, from + 4 * lds) : DoubleVector.zero(S);
        DoubleVector x5 = rows > 5 ? DoubleVector.fromArray(S, src, from + 5 * lds) : DoubleVector.zero(S);
        DoubleVector x6 = rows > 6 ? DoubleVector.fromArray(S, src, from + 6 * lds) : DoubleVector.zero(S);
        DoubleVector x7 = rows > 7 ? DoubleVector.fromArray(S, src, from + 7 * lds) : DoubleVector.zero(S);
        DoubleVector lo = DoubleVector.fromArray(S, LO[0], 0), hi = DoubleVector.fromArray(S, HI[0], 0);
        DoubleVector y0 = lo.selectFrom(x0, x1), y1 = hi.selectFrom(x0, x1);
        DoubleVector y2 = lo.selectFrom(x2, x3), y3 = hi.selectFrom(x2, x3);
        DoubleVector y4 = lo.selectFrom(x4, x5), y5 = hi.selectFrom(x4, x5);
        DoubleVector y6 = lo.selectFrom(x6, x7), y7 = hi.selectFrom(x6, x7);
        lo = DoubleVector.fromArray(S, LO[1], 0);
        hi = DoubleVector.fromArray(S, HI[1], 0);
        DoubleVector z0 = lo.selectFrom(y0, y2), z2 = hi.selectFrom(y0, y2);
        DoubleVector z1 = lo.selectFrom(y1, y3), z3 = hi.selectFrom(y1, y3);
        DoubleVector z4 = lo.selectFrom(y4, y6), z6 = hi.selectFrom(y4, y6);
        DoubleVector z5 = lo.selectFrom(y5, y7), z7 = hi.selectFrom(y5, y7);
        lo = DoubleVector.fromArray(S, LO[2], 0);
        hi = DoubleVector.fromArray(S, HI[2], 0);
        lo.selectFrom(z0, z4).mul(scale).intoArray(dst, to);
        lo.selectFrom(z1, z5).mul(scale).intoArray(dst, to + ldd);
        lo.selectFrom(z2, z6).mul(scale).intoArray(dst, to + 2 * ldd);
        lo.selectFrom(z3, z7).mul(scale).intoArray(dst, to + 3 * ldd);
        hi.selectFrom(z0, z4).mul(scale).intoArray(dst, to + 4 * ldd);
        hi.selectFrom(z1, z5).mul(scale).intoArray(dst, to + 5 * ldd);
        hi.selectFrom(z2, z6).mul(scale).intoArray(dst, to + 6 * ldd);
        hi.selectFrom(z3, z7).mul(scale).intoArray(dst, to + 7 * ldd);
    }

    private static void transpose16(double[] src, int from, int lds, int rows, double scale, double[] dst, int to, int ldd) {
        DoubleVector x0 = DoubleVector.fromArray(S, src, from);
        DoubleVector x1 = rows > 1 ? DoubleVector.fromArray(S, src, from + lds) : DoubleVector.zero(S);
        DoubleVector x2 = rows > 2 ? DoubleVector.fromArray(S, src, from + 2 * lds) : DoubleVector.zero(S);
        DoubleVector x3 = rows > 3 ? DoubleVector.fromArray(S, src, from + 3 * lds) : DoubleVector.zero(S);
        DoubleVector x4 = rows > 4 ? DoubleVector.fromArray(S, src, from + 4 * lds) : DoubleVector.zero(S);
        DoubleVector x5 = rows > 5 ? DoubleVector.fromArray(S, src, from + 5 * lds) : DoubleVector.zero(S);
        DoubleVector x6 = rows > 6 ? DoubleVector.fromArray(S, src, from + 6 * lds) : DoubleVector.zero(S);
        DoubleVector x7 = rows > 7 ? DoubleVector.fromArray(S, src, from + 7 * lds) : DoubleVector.zero(S);
        DoubleVector x8 = rows > 8 ? DoubleVector.fromArray(S, src, from + 8 * lds) : DoubleVector.zero(S);
        DoubleVector x9 = rows > 9 ? DoubleVector.fromArray(S, src, from + 9 * lds) : DoubleVector.zero(S);
        DoubleVector x10 = rows > 10 ? DoubleVector.fromArray(S, src, from + 10 * lds) : DoubleVector.zero(S);
        DoubleVector x11 = rows > 11 ? DoubleVector.fromArray(S, src, from + 11 * lds) : DoubleVector.zero(S);
        DoubleVector x12 = rows > 12 ? DoubleVector.fromArray(S, src, from + 12 * lds) : DoubleVector.zero(S);
        DoubleVector x13 = rows > 13 ? DoubleVector.fromArray(S, src, from + 13 * lds) : DoubleVector.zero(S);
        DoubleVector x14 = rows > 14 ? DoubleVector.fromArray(S, src, from + 14 * lds) : DoubleVector.zero(S);
        DoubleVector x15 = rows > 15 ? DoubleVector.fromArray(S, src, from + 15 * lds) : DoubleVector.zero(S);
        DoubleVector lo = DoubleVector.fromArray(S, LO[0], 0), hi = DoubleVector.fromArray(S, HI[0], 0);
        DoubleVector y0 = lo.selectFrom(x0, x1), y1 = hi.selectFrom(x0, x1);
        DoubleVector y2 = lo.selectFrom(x2, x3), y3 = hi.selectFrom(x2, x3);
        DoubleVector y4 = lo.selectFrom(x4, x5), y5 = hi.selectFrom(x4, x5);
        DoubleVector y6 = lo.selectFrom(x6, x7), y7 = hi.selectFrom(x6, x7);
        DoubleVector y8 = lo.selectFrom(x8, x9), y9 = hi.selectFrom(x8, x9);
        DoubleVector y10 = lo.selectFrom(x10, x11), y11 = hi.selectFrom(x10, x11);
        DoubleVector y12 = lo.selectFrom(x12, x13), y13 = hi.selectFrom(x12, x13);
        DoubleVector y14 = lo.selectFrom(x14, x15), y15 = hi.selectFrom(x14, x15);
        lo = DoubleVector.fromArray(S, LO[1], 0);
        hi = DoubleVector.fromArray(S, HI[1], 0);
        DoubleVector z0 = lo.selectFrom(y0, y2), z2 = hi.selectFrom(y0, y2);
        DoubleVector z1 = lo.selectFrom(y1, y3), z3 = hi.selectFrom(y1, y3);
        DoubleVector z4 = lo.selectFrom(y4, y6), z6 = hi.selectFrom(y4, y6);
        DoubleVector z5 = lo.selectFrom(y5, y7), z7 = hi.selectFrom(y5, y7);
        DoubleVector z8 = lo.selectFrom(y8, y10), z10 = hi.selectFrom(y8, y10);
        DoubleVector z9 = lo.selectFrom(y9, y11), z11 = hi.selectFrom(y9, y11);
        DoubleVector z12 = lo.selectFrom(y12, y14), z14 = hi.selectFrom(y12, y14);
        DoubleVector z13 = lo.selectFrom(y13, y15), z15 = hi.selectFrom(y13, y15);
        lo = DoubleVector.fromArray(S, LO[2], 0);
        hi = DoubleVector.fromArray(S, HI[2], 0);
        DoubleVector w0 = lo.selectFrom(z0, z4), w4 = hi.selectFrom(z0, z4);
        DoubleVector w1 = lo.selectFrom(z1, z5), w5 = hi.selectFrom(z1, z5);
        DoubleVector w2 = lo.selectFrom(z2, z6), w6 = hi.selectFrom(z2, z6);
        DoubleVector w3 = lo.selectFrom(z3, z7), w7 = hi.selectFrom(z3, z7);
        DoubleVector w8 = lo.selectFrom(z8, z12), w12 = hi.selectFrom(z8, z12);
        DoubleVector w9 = lo.selectFrom(z9, z13), w13 = hi.selectFrom(z9, z13);
        DoubleVector w10 = lo.selectFrom(z10, z14), w14 = hi.selectFrom(z10, z14);
        DoubleVector w11 = lo.selectFrom(z11, z15), w15 = hi.selectFrom(z11, z15);
        lo = DoubleVector.fromArray(S, LO[3], 0);
        hi = DoubleVector.fromArray(S, HI[3], 0);
        lo.selectFrom(w0, w8).mul(scale).intoArray(dst, to);
        lo.selectFrom(w1, w9).mul(scale).intoArray(dst, to + ldd);
        lo.selectFrom(w2, w10).mul(scale).intoArray(dst, to + 2 * ldd);
        lo.selectFrom(w3, w11).mul(scale).intoArray(dst, to + 3 * ldd);
        lo.selectFrom(w4, w12).mul(scale).intoArray(dst, to + 4 * ldd);
        lo.selectFrom(w5, w13).mul(scale).intoArray(dst, to + 5 * ldd);
        lo.selectFrom(w6, w14).mul(scale).intoArray(dst, to + 6 * ldd);
        lo.selectFrom(w7, w15).mul(scale).intoArray(dst, to + 7 * ldd);
        hi.selectFrom(w0, w8).mul(scale).intoArray(dst, to + 8 * ldd);
        hi.selectFrom(w1, w9).mul(scale).intoArray(dst, to + 9 * ldd);
        hi.selectFrom(w2, w10).mul(scale).intoArray(dst, to + 10 * ldd);
        hi.selectFrom(w3, w11).mul(scale).intoArray(dst, to + 11 * ldd);
        hi.selectFrom(w4, w12).mul(scale).intoArray(dst, to + 12 * ldd);
        hi.selectFrom(w5, w13).mul(scale).intoArray(dst, to + 13 * ldd);
        hi.selectFrom(w6, w14).mul(scale).intoArray(dst, to + 14 * ldd);
        hi.selectFrom(w7, w15).mul(scale).intoArray(dst, to + 15 * ldd);
    }


    /**
     * The micro-kernel: {@code C[cOff..] += } a 5 x 4-vector tile accumulated over kc packed steps
     * in 20 registers. C2 loads all of a step's broadcasts before its fmas, so a tile of R rows and
     * N vectors needs R·N + N + R of the 32 vector registers: 8 x 3 (35) and 6 x 4 (34) spill an
     * accumulator to the stack every step (seen in the generated code, and 25% slower), 5 x 4 (29)
     * and 6 x 3 (27) do not and ran alike; 5 x 4 makes NR = 32 doubles, which divides the usual
     * widths. Written out in full: a vector passed to a helper C2 does not inline would be boxed.
     */
    private static void micro(int kc, double[] ap, int aOff, double[] bp, int bOff, double[] c, int cOff, int ldc) {
        DoubleVector c0a = DoubleVector.zero(S);
        DoubleVector c0b = c0a, c0c = c0a, c0d = c0a, c1a = c0a, c1b = c0a, c1c = c0a, c1d = c0a, c2a = c0a;
        DoubleVector c2b = c0a, c2c = c0a, c2d = c0a, c3a = c0a, c3b = c0a, c3c = c0a, c3d = c0a, c4a = c0a;
        DoubleVector c4b = c0a, c4c = c0a, c4d = c0a;
        for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += MR, bi += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + 1 * V);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, bi + 2 * V);
            DoubleVector b3 = DoubleVector.fromArray(S, bp, bi + 3 * V);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[ai + 0]);
            c0a = a0.fma(b0, c0a); c0b = a0.fma(b1, c0b); c0c = a0.fma(b2, c0c); c0d = a0.fma(b3, c0d);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[ai + 1]);
            c1a = a1.fma(b0, c1a); c1b = a1.fma(b1, c1b); c1c = a1.fma(b2, c1c); c1d = a1.fma(b3, c1d);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[ai + 2]);
            c2a = a2.fma(b0, c2a); c2b = a2.fma(b1, c2b); c2c = a2.fma(b2, c2c); c2d = a2.fma(b3, c2d);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[ai + 3]);
            c3a = a3.fma(b0, c3a); c3b = a3.fma(b1, c3b); c3c = a3.fma(b2, c3c); c3d = a3.fma(b3, c3d);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[ai + 4]);
            c4a = a4.fma(b0, c4a); c4b = a4.fma(b1, c4b); c4c = a4.fma(b2, c4c); c4d = a4.fma(b3, c4d);
        }
        int o0 = cOff;
        c0a.add(DoubleVector.fromArray(S, c, o0)).intoArray(c, o0);
        c0b.add(DoubleVector.fromArray(S, c, o0 + 1 * V)).intoArray(c, o0 + 1 * V);
        c0c.add(DoubleVector.fromArray(S, c, o0 + 2 * V)).intoArray(c, o0 + 2 * V);
        c0d.add(DoubleVector.fromArray(S, c, o0 + 3 * V)).intoArray(c, o0 + 3 * V);
        int o1 = cOff + 1 * ldc;
        c1a.add(DoubleVector.fromArray(S, c, o1)).intoArray(c, o1);
        c1b.add(DoubleVector.fromArray(S, c, o1 + 1 * V)).intoArray(c, o1 + 1 * V);
        c1c.add(DoubleVector.fromArray(S, c, o1 + 2 * V)).intoArray(c, o1 + 2 * V);
        c1d.add(DoubleVector.fromArray(S, c, o1 + 3 * V)).intoArray(c, o1 + 3 * V);
        int o2 = cOff + 2 * ldc;
        c2a.add(DoubleVector.fromArray(S, c, o2)).intoArray(c, o2);
        c2b.add(DoubleVector.fromArray(S, c, o2 + 1 * V)).intoArray(c, o2 + 1 * V);
        c2c.add(DoubleVector.fromArray(S, c, o2 + 2 * V)).intoArray(c, o2 + 2 * V);
        c2d.add(DoubleVector.fromArray(S, c, o2 + 3 * V)).intoArray(c, o2 + 3 * V);
        int o3 = cOff + 3 * ldc;
        c3a.add(DoubleVector.fromArray(S, c, o3)).intoArray(c, o3);
        c3b.add(DoubleVector.fromArray(S, c, o3 + 1 * V)).intoArray(c, o3 + 1 * V);
        c3c.add(DoubleVector.fromArray(S, c, o3 + 2 * V)).intoArray(c, o3 + 2 * V);
        c3d.add(DoubleVector.fromArray(S, c, o3 + 3 * V)).intoArray(c, o3 + 3 * V);
        int o4 = cOff + 4 * ldc;
        c4a.add(DoubleVector.fromArray(S, c, o4)).intoArray(c, o4);
        c4b.add(DoubleVector.fromArray(S, c, o4 + 1 * V)).intoArray(c, o4 + 1 * V);
        c4c.add(DoubleVector.fromArray(S, c, o4 + 2 * V)).intoArray(c, o4 + 2 * V);
        c4d.add(DoubleVector.fromArray(S, c, o4 + 3 * V)).intoArray(c, o4 + 3 * V);

    }
}
