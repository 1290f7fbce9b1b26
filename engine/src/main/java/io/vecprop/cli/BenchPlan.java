package io.vecprop.cli;

import io.vecprop.nn.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which JMH runs {@code vecprop bench} makes: per mode, a list of JMH invocations, each naming its
 * benchmarks, its parameters and its JMH threads. The bench module's classes declare the full
 * parameter sets; a plan narrows them so quick finishes in about two minutes per precision on two
 * cores.
 */
final class BenchPlan {

    /** How long and how thoroughly to measure. */
    enum Mode {
        /**
         * One fork, short iterations, a subset of sizes and W1-W4: sees a 2x regression in under 3
         * minutes for both precisions on two cores.
         */
        quick("-f", "1", "-wi", "2", "-w", "300ms", "-i", "2", "-r", "400ms"),
        /** Two forks, 3 warm-up and 5 measured iterations of 1 s, every size: for published figures. */
        full("-f", "2", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"),
        /** One fork, one 100 ms iteration, no warm-up: proves the harness runs, measures nothing. */
        smoke("-f", "1", "-wi", "0", "-i", "1", "-r", "100ms");

        final List<String> jmhArgs;

        Mode(String... jmhArgs) {
            this.jmhArgs = List.of(jmhArgs);
        }
    }

    /**
     * One JMH invocation.
     *
     * @param benchmarks full names, such as io.vecprop.bench.GemmBench.mult
     * @param params JMH parameters, name to comma-separated values
     * @param jmhThreads JMH worker threads (-t), 1 except for the two-core ceilings
     */
    record Run(List<String> benchmarks, Map<String, String> params, int jmhThreads) {

        /** The JMH command-line arguments of this run, before the mode's and the output's. */
        List<String> args() {
            List<String> args = new ArrayList<>();
            args.add("^(" + String.join("|", benchmarks.stream().map(Pattern::quote).toList()) + ")$");
            params.forEach((k, v) -> {
                args.add("-p");
                args.add(k + "=" + v);
            });
            args.add("-t");
            args.add(Integer.toString(jmhThreads));
            return args;
        }
    }

    static final String PKG = "io.vecprop.bench.";

    /** TrainingBench's workloads, as its {@code workload} parameter declares them. */
    static final String WORKLOADS = "W1,W2,W3,W4";

    private BenchPlan() {}

    /** As {@link #runs(Mode, Pattern, Integer, List)} in both precisions. */
    static List<Run> runs(Mode mode, Pattern only, Integer threads) {
        return runs(mode, only, threads, List.of(Precision.values()));
    }

    /**
     * The runs of a mode, narrowed to the benchmarks whose full name contains a match of only (if
     * given), to the given thread count (if given; the ceilings then run on that many JMH
     * threads), and to the given precisions: every run but the bandwidth ceilings' gets them as
     * its {@code precision} parameter, the FMA ceiling included, so each precision's rows have
     * their own peak.
     */
    static List<Run> runs(Mode mode, Pattern only, Integer threads, List<Precision> precisions) {
        if (precisions.isEmpty()) {
            throw new IllegalArgumentException("no precision to run");
        }
        List<Run> runs = new ArrayList<>();
        switch (mode) {
            case smoke -> {
                runs.add(run(List.of("SigmoidBench.sigmoid"), "kernels", "scalar,poly", "n", "1024"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W1", "kernels", "simd", "threads", "1"));
            }
            case quick -> {
                runs.add(run(List.of("SigmoidBench.sigmoid"), "n", "4096"));
                runs.add(run(List.of("DeltaBench.outputDelta", "DeltaBench.hiddenDelta"), "n", "1024", "threads", "1"));
                runs.add(run(List.of("UpdateBench.outerProduct", "UpdateBench.onlineBackward", "UpdateBench.rankK"),
                        "n", "1024", "threads", "1"));
                runs.add(run(List.of("UpdateBench.outerProduct"), "kernels", "simd", "n", "4096", "threads", "2"));
                runs.add(run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"), "n", "256", "threads", "1"));
                runs.add(run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"),
                        "kernels", "simd", "n", "1024", "threads", "1,2"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W1,W2", "threads", "1"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W3,W4", "kernels", "simd", "threads", "1,2"));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad"), Map.of("n", "4194304"), 1));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad"), Map.of("n", "4194304"), 2));
            }
            case full -> {
                runs.add(run(List.of("SigmoidBench.sigmoid")));
                runs.add(run(List.of("DeltaBench.outputDelta", "DeltaBench.hiddenDelta")));
                runs.add(run(List.of("UpdateBench.outerProduct", "UpdateBench.onlineBackward", "UpdateBench.rankK"),
                        "threads", "1"));
                runs.add(run(List.of("UpdateBench.outerProduct", "UpdateBench.onlineBackward", "UpdateBench.rankK"),
                        "kernels", "simd", "threads", "2"));
                runs.add(run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"), "threads", "1"));
                runs.add(run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"), "kernels", "simd",
                        "threads", "2"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W1,W2"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W3,W4", "kernels", "simd"));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad", "PeakBench.copy"), Map.of(), 1));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad", "PeakBench.copy"), Map.of(), 2));
            }
        }
        List<Run> narrowed = new ArrayList<>();
        for (Run r : runs) {
            Map<String, String> params = new LinkedHashMap<>(r.params());
            List<String> kept = r.benchmarks().stream()
                    .filter(b -> only == null || only.matcher(b).find() || b.contains("PeakBench"))
                    .toList();
            if (kept.isEmpty() && only != null && r.benchmarks().equals(names("TrainingBench.step"))) {
                // --only W3: a workload's name is what people type first
                String workloads = String.join(",", Arrays.stream(params.getOrDefault("workload", WORKLOADS).split(","))
                        .filter(w -> only.matcher(w).find()).toList());
                if (!workloads.isEmpty()) {
                    kept = r.benchmarks();
                    params.put("workload", workloads);
                }
            }
            if (kept.isEmpty()) {
                continue;
            }
            if (kept.stream().anyMatch(BenchPlan::declaresPrecision)) {
                // JMH applies -p only to the benchmarks that declare the parameter: triad and copy ignore it
                params.put("precision", String.join(",", precisions.stream().map(Precision::id).toList()));
            }
            int jmhThreads = r.jmhThreads();
            if (threads != null) {
                if (kept.get(0).contains("PeakBench")) {
                    if (jmhThreads != threads && mode != Mode.full) {
                        jmhThreads = threads;
                    }
                } else if (params.containsKey("threads") || declaresThreads(kept.get(0))) {
                    params.put("threads", threads.toString());
                }
            }
            Run run = new Run(kept, params, jmhThreads);
            if (!narrowed.contains(run)) {
                narrowed.add(run);
            }
        }
        // with --threads, a run narrowed to some kernels may now repeat part of one that runs them all
        narrowed.removeIf(r -> r.params().containsKey("kernels") && narrowed.stream().anyMatch(o -> o != r
                && o.benchmarks().equals(r.benchmarks()) && !o.params().containsKey("kernels")
                && withoutKernels(r.params()).equals(o.params())));
        // the ceilings alone are not a run worth making
        if (narrowed.stream().allMatch(r -> r.benchmarks().get(0).contains("PeakBench"))) {
            return List.of();
        }
        return narrowed;
    }

    private static Map<String, String> withoutKernels(Map<String, String> params) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.remove("kernels");
        return copy;
    }

    private static boolean declaresPrecision(String benchmark) {
        return !benchmark.endsWith("PeakBench.triad") && !benchmark.endsWith("PeakBench.copy");
    }

    private static boolean declaresThreads(String benchmark) {
        return !benchmark.contains("SigmoidBench");
    }

    private static List<String> names(String... shortNames) {
        List<String> names = new ArrayList<>();
        for (String s : shortNames) {
            names.add(PKG + s);
        }
        return names;
    }

    private static Run run(List<String> shortNames, String... params) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        return new Run(names(shortNames.toArray(String[]::new)), map, 1);
    }
}
