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
 * <p>A split call allocates nothing: the workers are started once, a call hands them the body
 * through a field, and the caller waits for the last of them. Between calls a worker spins for
 * {@link Tuning#PARALLEL_SPIN_NANOS} before it parks, and so does a caller waiting for its workers,
 * so back-to-back calls pay no wake-up by the OS; one that comes later unparks the worker. The body
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
    /** Set by a waiting caller just before it parks, so the last worker knows to unpark it. */
    private volatile boolean callerParked;
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
     * the rest on the pool, and returns when all are done. chunks is at most the pool size. If chunks
     * fail, one failure is rethrown (whichever was recorded last) once all chunks are done.
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
        long spinUntil = System.nanoTime() + Tuning.PARALLEL_SPIN_NANOS;
        for (int spins = 0; pending.get() > 0; spins++) {
            if (keepSpinning(spins, spinUntil)) {
                Thread.onSpinWait();
                continue;
            }
            callerParked = true;
            if (pending.get() > 0) {
                LockSupport.park(this);
            }
            callerParked = false;
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

    /** Whether a waiter on its spins-th turn spins on (reading the clock every 64 turns) rather than parks. */
    private static boolean keepSpinning(int spins, long spinUntil) {
        return (spins & 63) != 63 || System.nanoTime() < spinUntil;
    }

    /** A thread that runs one chunk each time it is told to go, spinning a while between calls, then parked. */
    private final class Worker extends Thread {
        private final int chunk;
        private volatile int requested;
        /** Set just before the worker parks; go() unparks it only then (a spinning worker sees requested). */
        private volatile boolean parked;
        private int done;

        Worker(int chunk) {
            super("vecprop-kernel-" + chunk);
            this.chunk = chunk;
        }

        void go() {
            requested++;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                await();
                done++;
                try {
                    body.accept(chunk);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (pending.decrementAndGet() == 0 && callerParked) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Waits for the next call: spins for the spin time, then parks until go(). */
        private void await() {
            long spinUntil = System.nanoTime() + Tuning.PARALLEL_SPIN_NANOS;
            for (int spins = 0; requested == done; spins++) {
                if (keepSpinning(spins, spinUntil)) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (requested == done) {
                    LockSupport.park(this);
                }
                parked = false;
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
