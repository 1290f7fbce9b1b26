package io.vecprop.spark;

import io.vecprop.data.Dataset;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.train.Cluster;
import io.vecprop.train.MiniBatchTrainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Trains vecprop networks by synchronous data-parallel SGD on Apache Spark: the driver keeps the
 * training loop and the weights; each step the executors compute the gradient of their share of
 * the batch and the driver sums them and takes the step (see {@link SparkSteps}). The result is
 * single-machine training's, for the same seed, batches and data order, up to the order in which
 * each batch's rows are summed.
 *
 * <pre>{@code
 * try (JavaSparkContext sc = SparkTrainer.context("local[2]", "blobs")) {
 *     MiniBatchTrainer.Result r = SparkTrainer.train(sc, network, train, validation, options, listener,
 *             new Cluster.Settings(KernelProvider.Choice.AUTO, 0, 0, "blobs"));
 * }
 * }</pre>
 */
public final class SparkTrainer {

    /** How long the check of a {@code spark://} master waits for each host to accept a connection. */
    static final int CONNECT_TIMEOUT_MILLIS = 2000;

    /** The masters Spark 4.2 itself knows. */
    private static final Pattern KNOWN = Pattern.compile("local$|local\\[|local-cluster\\[|spark://|yarn$|k8s://");
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?");

    private SparkTrainer() {}

    /**
     * A Spark context for master ({@code local}, {@code local[N]}, {@code local[N,F]}, {@code spark://host:port},
     * {@code yarn}, {@code k8s://...}), or, when master is null, for the one {@code spark-submit} set.
     * Other settings come from {@code spark.*} system properties as usual. Unless they say otherwise,
     * the web UI is off, broadcasts are not compressed, task results up to 128 MiB come back directly
     * (Spark caps this at {@code spark.rpc.message.maxSize}), and in local mode the driver binds to 127.0.0.1.
     *
     * @throws IllegalArgumentException when there is no master, it is malformed, or a {@code spark://}
     *         master does not accept connections within two seconds
     */
    public static JavaSparkContext context(String master, String appName) {
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master.trim());
        } else if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("no Spark master: give one, such as local[2] or spark://host:7077, "
                    + "or run under spark-submit, which sets it");
        }
        String m = conf.get("spark.master");
        if (!KNOWN.matcher(m).lookingAt()) {
            throw notAMaster(m); // before Spark, which would log a stack trace first
        }
        if (m.startsWith("spark://")) {
            requireReachable(m);
        } else if (m.startsWith("local")) {
            if (!LOCAL.matcher(m).matches() && !m.startsWith("local-cluster[")) {
                throw notAMaster(m);
            }
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        if (!m.startsWith("local")) {
            shipOwnJar(conf);
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.ui.enabled", "false");
        // Each step broadcasts the weights and returns one gradient per partition, both arrays of
        // random-looking doubles: LZ4 saves little on them and costs time on both sides, and a
        // gradient above 1 MiB would otherwise take a second trip through the block manager.
        // Measured by SparkStepBench (docs/spark.md, "Training on Spark").
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        try {
            return new JavaSparkContext(conf);
        } catch (Exception e) { // Scala throws SparkException, a checked exception Java is not told of
            if (String.valueOf(e.getMessage()).contains("Could not parse Master URL")) {
                throw notAMaster(m);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("Spark did not start: " + e.getMessage(), e);
        }
    }

    /** Steps that run on sc's executors, for {@link MiniBatchTrainer#train(DenseNetwork, Dataset, Dataset, MiniBatchTrainer.Options, MiniBatchTrainer.Listener, MiniBatchTrainer.Steps)}. */
    public static MiniBatchTrainer.Steps steps(JavaSparkContext sc, Cluster.Settings settings) {
        return new SparkSteps(sc, settings);
    }

    /**
     * Trains network on train in place on sc's executors, as {@link MiniBatchTrainer#train} does on
     * one machine: the same batches, reports and validation (on the driver).
     *
     * @param validation evaluated on the driver after each epoch, or null
     */
    public static MiniBatchTrainer.Result train(JavaSparkContext sc, DenseNetwork network, Dataset train, Dataset validation,
            MiniBatchTrainer.Options options, MiniBatchTrainer.Listener listener, Cluster.Settings settings) {
        return MiniBatchTrainer.train(network, train, validation, options, listener, steps(sc, settings));
    }

    /**
     * Adds the jar these classes came from (vecprop-spark.jar, with the engine in it) to
     * {@code spark.jars}, so a cluster's executors can load the tasks' classes when the driver was
     * not started by spark-submit, which ships its application jar itself. Nothing when the classes
     * are not in a jar (a build's class folders, where only local masters make sense).
     */
    private static void shipOwnJar(SparkConf conf) {
        java.security.CodeSource source = SparkTrainer.class.getProtectionDomain().getCodeSource();
        Path jar;
        try {
            jar = source == null ? null : Path.of(source.getLocation().toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return;
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            return;
        }
        String jars = conf.get("spark.jars", "");
        if (!jars.contains(jar.getFileName().toString())) { // spark-submit lists its application jar here
            conf.set("spark.jars", jars.isBlank() ? jar.toUri().toString() : jars + "," + jar.toUri());
        }
    }

    private static IllegalArgumentException notAMaster(String m) {
        return new IllegalArgumentException("'" + m + "' is not a Spark master URL: use local[N], spark://host:port, "
                + "yarn or k8s://host:port");
    }

    /** Fails unless some host of a {@code spark://h1:p1,h2:p2} master accepts a TCP connection. */
    private static void requireReachable(String master) {
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI uri;
            try {
                uri = URI.create("spark://" + hostPort.trim());
            } catch (IllegalArgumentException e) {
                throw notAMaster(master);
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw notAMaster(master);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException e) {
                failures.add(uri.getHost() + ":" + uri.getPort() + " (" + describe(e) + ")");
            }
        }
        throw new IllegalArgumentException("cannot reach the Spark master " + master + ": " + String.join(", ", failures)
                + "; is it running, and is the host and port right?");
    }

    private static String describe(IOException e) {
        String what = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return e instanceof java.net.SocketTimeoutException ? "no answer in " + CONNECT_TIMEOUT_MILLIS / 1000 + " s" : what;
    }

    /**
     * A failed Spark job as one readable exception: Spark's "Job aborted due to stage failure" with
     * the executor's stack trace in its message becomes the first line of the task's own error
     * (after spark.task.maxFailures attempts); a cluster that went away, the cause Spark gives.
     */
    static RuntimeException taskFailure(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root == e ? firstLine(e.getMessage()) : root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
        return new IllegalStateException("a training step on Spark failed: " + message, e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
