package io.vecprop.kernels;

/**
 * Every threshold and block size of the kernels, in one place (as EJML keeps them in
 * {@code EjmlParameters}).
 *
 * <p>Where the split thresholds come from: {@code vecprop bench --sweep} times a training step of
 * width-width-width networks (64 to 4096) at batches 1 to 256, scalar and SIMD, on 1 and 2
 * threads, with every kernel split whatever its size, and prints where a second thread starts to
 * pay in this class's unit, multiply-adds per thread of one kernel call: the batch-1 steps'
 * crossover is the value for {@link #MIN_WORK_PER_THREAD}, the larger batches' (packed products)
 * the value for {@link #GEMM_MIN_WORK_PER_THREAD} (and, below a batch of 32, for
 * {@link #GEMM_THIN_MIN_WORK_PER_THREAD}). A kernel call is split in two when its work is
 * at least twice the threshold ({@link Parallel#chunksFor}), that is when each thread gets at
 * least the threshold. Its SIMD crossover (in widths, from 64) bounds {@link #SIMD_MIN_VECTORS}
 * and {@link #GEMM_MIN_PACKED} only from above: every width it measures already runs the
 * vector paths.
 */
public final class Tuning {

    private Tuning() {}

    /**
     * Depth of a packed block: one MR x KC panel of A (10 KB in f64) stays in L1. Measured at
     * n = 1024: 256 and 384 alike, 192 and 128 slower.
     */
    public static final int GEMM_KC = 256;
    /**
     * Micro-panels of B per packed block (NC = NR · this): a KC x NC block of B (640 KB in f64 and
     * f32) stays in a 1 MB L2 while every panel of A passes over it.
     */
    public static final int GEMM_NC_PANELS = 10;
    /** Below this many multiply-adds (m·n·k) a product skips packing and runs direct loops. */
    /**
     * Most elements of op(A) a thread of a packed product packs at once, a depth block of all its
     * rows (2^20: 8 MB of doubles; every product of W1-W4 fits). Past it the product packs A in
     * blocks of {@link #GEMM_MC_PANELS} panels, once per block of B, as BLIS does.
     */
    public static final long GEMM_WHOLE_A_MAX = 1L << 20;
    /** Row panels of MR in a block of A when a thread's rows exceed {@link #GEMM_WHOLE_A_MAX}: 120 rows, 240 KB of doubles at KC 256. */
    public static final int GEMM_MC_PANELS = 24;
    public static final long GEMM_MIN_PACKED = 24L * 24 * 24;
    /**
     * Elementwise SIMD kernels take the scalar path below this many vectors of input. Measured: a
     * vector loop that runs only once or twice per call (8 to 16 doubles at 512 bits) made C2 box
     * its vectors, 384 to 5256 bytes per call, after any amount of warm-up; from 3 iterations on
     * it allocated nothing. Rows that short gain nothing from vectors anyway.
     */
    public static final int SIMD_MIN_VECTORS = 4;
    /**
     * Least work (multiply-adds or element updates) a thread's chunk of a matrix-vector or
     * elementwise kernel should get before work is split. Measured (TrainingBench, 2026-12-03, one
     * run): at 2^16 the online W2 step ran 0.81 ms on 2 threads against 0.38 on 1 in f32 (1.42
     * against 0.91 in f64), since waking a parked worker costs more than these memory-bound passes
     * save; at 2^21 it ran 0.40 and 1.02 on 2 threads, no slower than on 1, and W3 was unchanged
     * (6.5 ms against 6.7 in f32 on 2 threads).
     */
    public static final long MIN_WORK_PER_THREAD = work("vecprop.minWorkPerThread", 1L << 21);
    /**
     * Least multiply-adds a thread's share of a packed product should get before it is split (the
     * work of a product m x k times k x n is m·n·k, n rounded up to whole micro-panels).
     */
    public static final long GEMM_MIN_WORK_PER_THREAD = work("vecprop.gemmMinWorkPerThread", 1L << 19);
    /**
     * A packed product whose smallest side (in a training step: the batch) is below this is thin:
     * each packed element is used that few times, so packing and moving W between the cores cost
     * more than a second thread saves, and it splits only from {@link #GEMM_THIN_MIN_WORK_PER_THREAD}.
     * Measured (SweepBench with these defaults, docs/sweep-2026-12-03/defaults-jmh.json): batch 8
     * ran slower on 2 threads at widths 512 and 1024 (f32 299 against 478 µs at 512; f64 2.29
     * against 2.61 ms at 1024), batch 32 faster at every width from 256 (1.18x to 1.86x).
     */
    public static final int GEMM_MIN_SPLIT_DEPTH = 32;
    /**
     * Least multiply-adds per thread before a thin product is split. Measured (bench --sweep,
     * every call split): batch 8 paid from width 2048 (2^24 per thread, 1.63x in f64, 1.60x in f32)
     * and not at 1024 (2^22, 0.96x, 0.83x).
     */
    public static final long GEMM_THIN_MIN_WORK_PER_THREAD = work("vecprop.gemmThinMinWorkPerThread", 1L << 23);

    /**
     * How long a pool's idle worker (and a caller waiting for its workers) spins before it parks,
     * in nanoseconds. A training step calls its kernels back to back, so a worker that spins
     * through the gap takes the next call at once, where a parked one must be woken by the OS (tens of microseconds in a VM, per split call); after the gap it parks and costs
     * nothing. OpenBLAS's threads spin likewise between calls.
     */
    public static final long PARALLEL_SPIN_NANOS = work("vecprop.spinNanos", 200_000);

    /**
     * A positive setting (a split threshold, the spin time): the default unless the system property overrides it, for measuring only
     * ({@code vecprop bench --sweep} sets both to 1, so every call is split and the sweep sees
     * what a second thread gains at every size). Read once; C2 folds it like a literal.
     */
    private static long work(String property, long defaultValue) {
        String value = System.getProperty(property);
        if (value == null) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + "=" + value + ": must be a whole number of at least 1");
    }
}
