package io.vecprop.train;

import io.vecprop.kernels.KernelProvider;
import java.util.ServiceLoader;

/**
 * A cluster that takes training steps for {@link MiniBatchTrainer}: the trainer keeps the loop on
 * this machine (the driver) and the cluster's {@link #steps()} spread each batch over its workers.
 * The engine holds no cluster code: implementations are found on the class path with
 * {@link ServiceLoader}, and the {@code vecprop-spark} module provides {@code spark}.
 *
 * <p>A cluster is opened by {@link #connect} and closed when the run is over.
 */
public interface Cluster extends AutoCloseable {

    /** What a cluster module registers in {@code META-INF/services/io.vecprop.train.Cluster$Provider}. */
    interface Provider {
        /** The name the command line asks for, such as {@code spark}. */
        String name();

        /**
         * Connects to master, in the cluster's own syntax ({@code local[2]}, {@code spark://host:7077}),
         * or, when master is null, to the one the environment sets (as {@code spark-submit} does).
         *
         * @throws IllegalArgumentException when master is malformed or cannot be reached, saying which and why
         */
        Cluster connect(String master, Settings settings);
    }

    /**
     * How the workers compute.
     *
     * @param kernels the kernel choice each worker makes for itself (auto, scalar or simd)
     * @param threads threads per worker task for the kernels; 0 for the cluster's cores per task
     * @param partitions how many parts each batch is split into; 0 for the cluster's default parallelism
     * @param appName the name the cluster shows for the run
     */
    record Settings(KernelProvider.Choice kernels, int threads, int partitions, String appName) implements java.io.Serializable {
        public Settings {
            if (threads < 0 || partitions < 0) {
                throw new IllegalArgumentException("threads " + threads + " and partitions " + partitions
                        + " must be zero (the cluster's default) or positive");
            }
        }
    }

    /** The steps to hand to {@link MiniBatchTrainer#train(io.vecprop.nn.DenseNetwork, io.vecprop.data.Dataset, io.vecprop.data.Dataset, MiniBatchTrainer.Options, MiniBatchTrainer.Listener, MiniBatchTrainer.Steps)}. */
    MiniBatchTrainer.Steps steps();

    /** One line for the run's header, such as "Spark 4.2.0 on local[2], 2 partitions". */
    String description();

    /** Disconnects; a cluster that this one started is stopped. */
    @Override
    void close();

    /**
     * Connects to master through the provider called name.
     *
     * @throws IllegalStateException when no provider of that name is on the class path
     */
    static Cluster connect(String name, String master, Settings settings) {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.name().equals(name)) {
                return p.connect(master, settings);
            }
        }
        throw new IllegalStateException("no " + name + " support on the class path: it comes with the vecprop-" + name
                + " module (./vecprop adds it when --" + name + " is given)");
    }
}
