package io.vecprop.spark;

import io.vecprop.kernels.Activation;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Dropout;
import io.vecprop.nn.Init;
import io.vecprop.nn.Loss;
import io.vecprop.kernels.Precision;
import io.vecprop.train.BatchBuffers;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The networks an executor computes gradients with, kept between steps so a step's task only
 * loads the broadcast weights into one: a pool per training run, at most one worker per task that
 * runs at once. An executor remembers the last few runs.
 */
final class Workers {

    /**
     * What a worker is built from: the network's shape, its layers' activations (as
     * {@link Activation#id()} names them), its loss and precision, the kernels, their threads (0:
     * the task's cores), the largest batch, and the dropout's rate (0: none) and seed.
     */
    record Recipe(Precision precision, Loss loss, int[] widths, List<String> activations, KernelProvider.Choice kernels,
            int threads, int capacity, double dropout, long dropoutSeed) implements Serializable {

        Recipe {
            activations = List.copyOf(activations); // an immutable list, which serializes
        }

        /** The recipe of a worker that computes as network does, dropping units as dropout does (null: none). */
        static Recipe of(DenseNetwork network, KernelProvider.Choice kernels, int threads, int capacity, Dropout dropout) {
            return new Recipe(network.precision(), network.lossFunction(), network.widths(),
                    network.activations().stream().map(Activation::id).toList(), kernels, threads, capacity,
                    dropout == null ? 0 : dropout.rate(), dropout == null ? 0 : dropout.seed());
        }
    }

    /** A network with its batch buffers and scratch arrays of row indices: the block's, and the training set's. */
    static final class Worker {
        final DenseNetwork network;
        final BatchBuffers buffers;
        final int[] rows;
        final int[] samples;

        Worker(Recipe r, int threads) {
            KernelSelection kernels = KernelProvider.select(r.kernels(), threads, r.precision()); // only the precision it computes in
            List<Activation> activations = r.activations().stream().map(Activation::parse).toList();
            // weights come from the driver
            network = DenseNetwork.random(r.precision(), kernels, r.loss(), activations, Init.AUTO, 0, r.widths());
            buffers = BatchBuffers.of(network, r.capacity());
            rows = new int[r.capacity()];
            samples = new int[r.capacity()];
            network.dropout(r.dropout() > 0 ? new Dropout(r.dropout(), r.dropoutSeed()) : null);
        }
    }

    private static final int RUNS_KEPT = 4;
    private static final Map<String, Deque<Worker>> POOLS = new LinkedHashMap<>();

    private Workers() {}

    /** An idle worker of the run, else a new one from recipe on threads. */
    static Worker borrow(String run, Recipe recipe, int threads) {
        synchronized (POOLS) {
            Deque<Worker> pool = POOLS.get(run);
            if (pool != null && !pool.isEmpty()) {
                return pool.pop();
            }
        }
        return new Worker(recipe, threads);
    }

    static void giveBack(String run, Worker worker) {
        synchronized (POOLS) {
            POOLS.computeIfAbsent(run, k -> new ArrayDeque<>()).push(worker);
            for (Iterator<String> it = POOLS.keySet().iterator(); POOLS.size() > RUNS_KEPT; ) {
                String oldest = it.next();
                if (!oldest.equals(run)) {
                    it.remove();
                }
            }
        }
    }

    /** Drops the run's workers (where the driver's JVM is also an executor, as in local mode). */
    static void forget(String run) {
        synchronized (POOLS) {
            POOLS.remove(run);
        }
    }
}
