package io.vecprop.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Masters that cannot work fail fast, with a message that names the master and why. */
class TestSparkMaster {

    private static String message(String master) {
        return assertThrows(IllegalArgumentException.class, () -> SparkTrainer.context(master, "test")).getMessage();
    }

    @Test
    void aMasterThatCannotBeReachedFailsInSecondsNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, and closed: nothing listens there
        }
        long start = System.nanoTime();
        String m = message("spark://127.0.0.1:" + port);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(m.startsWith("cannot reach the Spark master spark://127.0.0.1:" + port + ": 127.0.0.1:" + port + " ("), m);
        assertTrue(m.contains("is it running"), m);
        assertTrue(seconds < SparkTrainer.CONNECT_TIMEOUT_MILLIS / 1000.0 + 1, "failed in " + seconds + " s");
        // every host of a multi-master URL is tried
        String both = message("spark://127.0.0.1:" + port + ",127.0.0.1:1");
        assertTrue(both.contains("127.0.0.1:" + port + " (") && both.contains("127.0.0.1:1 ("), both);
    }

    @Test
    void malformedMastersAreNamed() {
        for (String bad : new String[] {"local[0]", "local[two]", "spark://", "spark://host-without-port", "sprak://x:7077"}) {
            String m = message(bad);
            assertTrue(m.equals("'" + bad + "' is not a Spark master URL: use local[N], spark://host:port, yarn or k8s://host:port"),
                    bad + ": " + m);
        }
    }

    @Test
    void noMasterOutsideSparkSubmitIsAnError() {
        System.clearProperty("spark.master");
        String m = message(null);
        assertTrue(m.startsWith("no Spark master: give one, such as local[2]"), m);
    }
}
