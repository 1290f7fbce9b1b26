package io.vecprop.bench.harness;

import io.vecprop.kernels.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * One benchmark's result as the reports read it: from JMH's {@link RunResult} after a run, or from
 * an object of the jmh.json an earlier run wrote ({@code --from}), which holds the same figures.
 *
 * @param benchmark the full name, such as io.vecprop.bench.GemmBench.mult
 * @param params the JMH parameters of this result, name to value
 * @param jmhThreads JMH worker threads
 * @param unit the score's unit, such as ms/op
 * @param median the median of the measured iterations
 * @param score the mean
 * @param error the 99.9% error of the mean (NaN for a single iteration)
 * @param allocBytesPerOp the gc profiler's gc.alloc.rate.norm, NaN without it
 */
record JmhResult(String benchmark, Map<String, String> params, int jmhThreads, String unit, double median, double score,
        double error, double allocBytesPerOp) {

    /** The gc profiler's bytes allocated per op. */
    static final String ALLOC = "gc.alloc.rate.norm";

    JmhResult {
        params = Map.copyOf(params);
    }

    /** The result of a run. */
    static JmhResult of(RunResult r) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : r.getParams().getParamsKeys()) {
            params.put(key, r.getParams().getParam(key));
        }
        Result<?> primary = r.getPrimaryResult();
        Result<?> alloc = r.getSecondaryResults().get(ALLOC);
        return new JmhResult(r.getParams().getBenchmark(), params, r.getParams().getThreads(), primary.getScoreUnit(),
                primary.getStatistics().getPercentile(50), primary.getScore(), primary.getScoreError(),
                alloc == null ? Double.NaN : alloc.getScore());
    }

    /** The results of a run. */
    static List<JmhResult> of(java.util.Collection<RunResult> results) {
        return results.stream().map(JmhResult::of).toList();
    }

    /** A result object of JMH's JSON, as parsed by {@link io.vecprop.io.JsonReader}. */
    @SuppressWarnings("unchecked")
    static JmhResult fromJson(Object o) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("benchmark") instanceof String benchmark)
                || !(m.get("primaryMetric") instanceof Map<?, ?> pm)) {
            throw new IllegalStateException("not a JMH result (no benchmark or primaryMetric): " + o);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (m.get("params") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put((String) k, (String) v));
        }
        double alloc = Double.NaN;
        if (m.get("secondaryMetrics") instanceof Map<?, ?> secondary && secondary.get(ALLOC) instanceof Map<?, ?> a) {
            alloc = num(a.get("score"));
        }
        Map<String, Object> percentiles = (Map<String, Object>) pm.get("scorePercentiles");
        return new JmhResult(benchmark, params, (int) num(m.get("threads")), (String) pm.get("scoreUnit"),
                num(percentiles.get("50.0")), num(pm.get("score")), num(pm.get("scoreError")), alloc);
    }

    /** The results of a parsed jmh.json. */
    static List<JmhResult> fromJsonList(List<?> results) {
        return results.stream().map(JmhResult::fromJson).toList();
    }

    /** The name without its package, such as GemmBench.mult. */
    String shortName() {
        return benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
    }

    /**
     * The precision: the {@code precision} parameter; null for the bandwidth ceilings, which have
     * none; f64 for results of runs from before the parameter existed.
     */
    Precision precision() {
        if (params.containsKey("precision")) {
            return Precision.of(params.get("precision"));
        }
        return benchmark.endsWith(".PeakBench.triad") || benchmark.endsWith(".PeakBench.copy") ? null : Precision.F64;
    }

    /** A JSON number, or a string JMH writes for one ("NaN"); NaN when absent. */
    private static double num(Object o) {
        return o == null ? Double.NaN : o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString());
    }
}
