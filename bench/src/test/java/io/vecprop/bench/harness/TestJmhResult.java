package io.vecprop.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.JsonReader;
import io.vecprop.kernels.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.AverageTimeResult;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/** The reports read a run's RunResult as they read JMH's JSON of it (what --from reads). */
class TestJmhResult {

    /** Two forks of three measured iterations of GemmBench.mult, in ms per op, with the gc profiler's allocation. */
    static RunResult run(double[][] millis) {
        WorkloadParams wp = new WorkloadParams();
        wp.put("kernels", "simd", 0);
        wp.put("n", "1024", 1);
        wp.put("precision", "f32", 2);
        wp.put("threads", "2", 3);
        IterationParams warmup = new IterationParams(IterationType.WARMUP, 1, TimeValue.milliseconds(300), 1);
        IterationParams measurement = new IterationParams(IterationType.MEASUREMENT, 3, TimeValue.milliseconds(300), 1);
        BenchmarkParams params = new BenchmarkParams("io.vecprop.bench.GemmBench.mult",
                "io.vecprop.bench.jmh_generated.GemmBench_mult_jmhTest.mult_AverageTime", false, 1, new int[] {1}, List.of(),
                millis.length, 0, warmup, measurement, Mode.AverageTime, wp, TimeUnit.MILLISECONDS, 1, "java",
                List.of("--add-modules=jdk.incubator.vector"), "25", "OpenJDK 64-Bit Server VM", "25", "1.37",
                TimeValue.minutes(10));
        List<BenchmarkResult> forks = new ArrayList<>();
        for (double[] fork : millis) {
            List<IterationResult> iterations = new ArrayList<>();
            for (int i = 0; i < fork.length; i++) {
                IterationResult it = new IterationResult(params, measurement, new IterationResultMetaData(10, 10));
                it.addResult(new AverageTimeResult(ResultRole.PRIMARY, "mult", 10, (long) (fork[i] * 10 * 1e6),
                        TimeUnit.MILLISECONDS));
                it.addResult(new ScalarResult(JmhResult.ALLOC, 16 + i, "B/op", AggregationPolicy.AVG));
                iterations.add(it);
            }
            forks.add(new BenchmarkResult(params, iterations));
        }
        return new RunResult(params, forks);
    }

    @Test
    void aRunResultReadsAsJmhsJsonOfIt() {
        RunResult run = run(new double[][] {{40, 41, 42}, {43, 44, 60}});
        JmhResult direct = JmhResult.of(run);
        assertEquals("io.vecprop.bench.GemmBench.mult", direct.benchmark());
        assertEquals("GemmBench.mult", direct.shortName());
        assertEquals(Map.of("kernels", "simd", "n", "1024", "precision", "f32", "threads", "2"), direct.params());
        assertEquals(Precision.F32, direct.precision());
        assertEquals(1, direct.jmhThreads());
        assertEquals("ms/op", direct.unit());
        assertEquals(42.5, direct.median(), 1e-9);
        assertEquals(270.0 / 6, direct.score(), 1e-9);
        assertTrue(direct.error() > 0, direct.toString());
        assertEquals(17.0, direct.allocBytesPerOp(), 1e-9);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(List.of(run));
        }
        List<?> json = (List<?>) JsonReader.parse(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(direct), JmhResult.fromJsonList(json), "every figure, exactly");
    }

    @Test
    void oneIterationHasNoErrorAndNoProfilerNoAllocation() {
        Map<String, Object> json = Map.of("benchmark", "io.vecprop.bench.PeakBench.triad", "threads", 2L,
                "primaryMetric", Map.of("score", 2.5, "scoreError", "NaN", "scoreUnit", "ns/op",
                        "scorePercentiles", Map.of("50.0", 2.5)));
        JmhResult r = JmhResult.fromJson(json);
        assertTrue(Double.isNaN(r.error()) && Double.isNaN(r.allocBytesPerOp()), r.toString());
        assertEquals(Map.of(), r.params());
        assertEquals(null, r.precision(), "the bandwidth ceilings have none");
        assertEquals(2, r.jmhThreads());
        assertThrows(IllegalStateException.class, () -> JmhResult.fromJson(Map.of("benchmark", "x")));
        assertThrows(IllegalStateException.class, () -> JmhResult.fromJson(List.of()));
    }
}
