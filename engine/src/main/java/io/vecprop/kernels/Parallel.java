package io.vecprop.kernels;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool that splits a kernel's output into chunks, one per thread. The caller runs chunk 0
 * itself; worker w runs chunk w + 1. Kernels split only over output elements, never over a
 * reduction, so every element is summed in the same order for any thread count and results are
 * bit-identical whatever the pool size.
 *
 * <p>A split call allocates nothing: the workers are started once and wait parked, a call hands
 * them the body through a field and wakes them, and the last to finish wakes the caller. The body
 * should be a reusable object too (a capturing lambda would be allocated per call). Pools are shared
 * by size; calls from several threads at once take turns.
 */
public final class Parallel {

    private static final Parallel SERIAL = new Parallel(1);
    /** One pool per size, shared by every kernel instance, its threads daemons. */
    private static final ConcurrentHashMap<Integer, Parallel> POOLS = new ConcurrentHashMap<>();

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile IntConsumer body;
    private volatile Thread caller;
    private volatile Throwable failure;

    private Parallel(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker(w + 1);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /** The shared pool of the given size (1 runs everything on the caller). */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        return threads == 1 ? SERIAL : POOLS.computeIfAbsent(threads, Parallel::new);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(c)} for each chunk c in {@code [0, chunks)}, chunk 0 on the caller,
     * the rest on the pool, and returns when all are done. chunks is at most the pool size. The
     * first failure is rethrown.
     */
    public synchronized void forEachChunk(int chunks, IntConsumer body) {
        if (chunks <= 1 || workers.length == 0) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        if (chunks > threads) {
            throw new IllegalArgumentException(chunks + " chunks for a pool of " + threads);
        }
        this.failure = null;
        this.caller = Thread.currentThread();
        this.body = body;
        pending.set(chunks - 1);
        for (int w = 0; w < chunks - 1; w++) {
            workers[w].go();
        }
        try {
            body.accept(0);
        } catch (Throwable t) {
            failure = t;
        }
        while (pending.get() > 0) {
            LockSupport.park(this);
        }
        this.body = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
    }

    /** A parked thread that runs one chunk each time it is told to go. */
    private final class Worker extends Thread {
        private final int chunk;
        private volatile int requested;
        private int done;

        Worker(int chunk) {
            super("vecprop-kernel-" + chunk);
            this.chunk = chunk;
        }

        void go() {
            requested++;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                while (requested == done) {
                    LockSupport.park(this);
                }
                done++;
                try {
                    body.accept(chunk);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    /**
     * How many chunks to split {@code units} independent units into, given that a chunk should do
     * at least {@code minWork} work when each unit costs {@code workPerUnit}: one when the whole
     * job is too small to pay for a hand-off.
     */
    public int chunksFor(int units, long workPerUnit, long minWork) {
        if (threads == 1 || units < 2) {
            return 1;
        }
        long total = units * workPerUnit;
        return (int) Math.max(1, Math.min(Math.min(threads, units), total / Math.max(1, minWork)));
    }

    /** Start of chunk c when {@code units} are split into {@code chunks} near-equal parts, aligned to {@code align}. */
    public static int chunkStart(int units, int chunks, int c, int align) {
        if (c >= chunks) {
            return units;
        }
        long start = (long) units * c / chunks;
        start -= start % align;
        return (int) start;
    }
}
