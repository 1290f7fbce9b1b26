package io.vecprop.spark;

import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import org.apache.spark.api.java.JavaSparkContext;

/** {@link Cluster} on Spark: what {@code vecprop train --spark MASTER} runs on. Closing it stops the context it started. */
public final class SparkCluster implements Cluster {

    /** Registered in {@code META-INF/services}: the {@code spark} cluster. */
    public static final class Provider implements Cluster.Provider {
        @Override
        public String name() {
            return "spark";
        }

        @Override
        public Cluster connect(String master, Settings settings) {
            return new SparkCluster(SparkTrainer.context(master, settings.appName()), settings);
        }
    }

    private final JavaSparkContext sc;
    private final SparkSteps steps;

    private SparkCluster(JavaSparkContext sc, Settings settings) {
        this.sc = sc;
        this.steps = new SparkSteps(sc, settings);
    }

    @Override
    public MiniBatchTrainer.Steps steps() {
        return steps;
    }

    @Override
    public String description() {
        int p = steps.partitionsFor(Integer.MAX_VALUE);
        return "Spark " + sc.version() + " on " + sc.master() + ", " + p + (p == 1 ? " partition" : " partitions");
    }

    @Override
    public void close() {
        sc.stop();
    }
}
