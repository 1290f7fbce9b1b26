package io.vecprop.kernels;

/**
 * Every threshold and block size of the kernels, in one place (as EJML keeps them in
 * {@code EjmlParameters}).
 */
public final class Tuning {

    private Tuning() {}

    /** Rows of the GEMM micro-tile (A values broadcast per step). */
    public static final int GEMM_MR = 6;
    /** Vectors across the GEMM micro-tile (B vectors loaded per step). */
    public static final int GEMM_NR_VECTORS = 3;
    /** Depth of a packed block: a KC x NR panel of B stays in L1. */
    public static final int GEMM_KC = 192;
    /** Rows of a packed block of A, kept in L2 (a multiple of {@link #GEMM_MR}). */
    public static final int GEMM_MC = 96;
    /** Micro-panels of B per packed block (NC = NR · this). */
    public static final int GEMM_NC_PANELS = 48;
    /** Below this many multiply-adds (m·n·k) a product skips packing and runs direct loops. */
    public static final long GEMM_MIN_PACKED = 24L * 24 * 24;
    /**
     * Elementwise SIMD kernels take the scalar path below this many vectors of input. Measured: a
     * vector loop that runs only once or twice per call (8 to 16 doubles at 512 bits) made C2 box
     * its vectors, 384 to 5256 bytes per call, after any amount of warm-up; from 3 iterations on
     * it allocated nothing. Rows that short gain nothing from vectors anyway.
     */
    public static final int SIMD_MIN_VECTORS = 4;
    /** Least work (multiply-adds or element updates) a thread's chunk should get before work is split. */
    public static final long MIN_WORK_PER_THREAD = 1L << 16;
}
