package io.vecprop.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed pool that splits a kernel's output into chunks, one per thread. The caller runs chunk 0
 * itself and waits for the others. Kernels split only over output elements, never over a
 * reduction, so every element is summed in the same order for any thread count and results are
 * bit-identical whatever the pool size.
 *
 * <p>One thread means no pool at all: chunk 0 runs on the caller and nothing is allocated.
 */
public final class Parallel {

    private static final Parallel SERIAL = new Parallel(1);
    /** One pool per size, shared by every kernel instance, its threads daemons. */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, Parallel> POOLS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final int threads;
    private final ExecutorService pool;

    private Parallel(int threads) {
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "vecprop-kernel");
            t.setDaemon(true);
            return t;
        });
    }

    /** The shared pool of the given size (1 runs everything on the caller). */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        return threads == 1 ? SERIAL : POOLS.computeIfAbsent(threads, Parallel::new);
    }

    /** The single-threaded instance. */
    public static Parallel serial() {
        return SERIAL;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(c)} for each chunk c in {@code [0, chunks)}, chunk 0 on the caller,
     * the rest on the pool, and returns when all are done. The first failure is rethrown.
     */
    public void forEachChunk(int chunks, IntConsumer body) {
        if (chunks <= 1 || pool == null) {
            for (int c = 0; c < chunks; c++) {
                body.accept(c);
            }
            return;
        }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            int chunk = c;
            pool.execute(() -> {
                try {
                    body.accept(chunk);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            body.accept(0);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kernel threads", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
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
