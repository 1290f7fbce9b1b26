package io.vecprop.bench.harness;

import io.vecprop.kernels.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which JMH runs {@code vecprop bench} makes: per mode, a list of JMH invocations, each naming its
 * benchmarks, its parameters and its JMH threads. The bench module's classes declare the full
 * parameter sets; a plan narrows them so quick finishes in under three minutes, both precisions, on
 * two cores. The sweep ({@code --sweep}) is a grid of its own: {@code SweepBench.step} over width and
 * batch, scalar on one thread and SIMD on one and two.
 */
final class BenchPlan {

    /** How long and how thoroughly to measure. */
    enum Mode {
        /**
         * One fork, short iterations, a subset of sizes and W1-W4: sees a 2x regression in under 3
         * minutes for both precisions on two cores. Its runs set their own warm-up iterations: a
         * training step's first call runs before C2 has compiled the kernels (1.4 s for W3's), and W2's
         * online step settles only after about 2 s of tiered compilation (measured: 7 warm-ups of 300 ms).
         */
        quick("-f", "1", "-w", "300ms", "-i", "2", "-r", "300ms"),
        /** Two forks, 3 warm-up and 5 measured iterations of 1 s, every size: for published figures. */
        full("-f", "2", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"),
        /** One fork, one 100 ms iteration, no warm-up: proves the harness runs, measures nothing. */
        smoke("-f", "1", "-wi", "0", "-i", "1", "-r", "100ms"),
        /**
         * The sweep: one fork per cell, one warm-up of 3 s and 2 measured iterations of 300 ms. The
         * warm-up is long because the Vector API code runs 10 to 1000 times slower until C2 has
         * compiled it, which took 1.5 to 2.5 s of steps here (a 300 ms warm-up left it there).
         */
        sweep("-f", "1", "-wi", "1", "-w", "3s", "-i", "2", "-r", "300ms"),
        /** The sweep's smallest grid, one 100 ms iteration, no warm-up: proves the sweep runs, measures nothing. */
        sweepSmoke("-f", "1", "-wi", "0", "-i", "1", "-r", "100ms");

        final List<String> jmhArgs;

        Mode(String... jmhArgs) {
            this.jmhArgs = List.of(jmhArgs);
        }

        /** The command-line flags that choose this mode, as in "vecprop bench --sweep --smoke". */
        String flags() {
            return this == sweepSmoke ? "--sweep --smoke" : "--" + name();
        }

        boolean isSweep() {
            return this == sweep || this == sweepSmoke;
        }
    }

    /** The benchmark of the sweep. */
    static final String SWEEP = "SweepBench.step";
    /** The sweep's widths (of every layer of a width-width-width network) and batches. */
    static final List<Integer> SWEEP_WIDTHS = List.of(64, 128, 256, 512, 1024, 2048, 4096);
    static final List<Integer> SWEEP_BATCHES = List.of(1, 8, 32, 128, 256);
    /**
     * The scalar kernels skip width 4096 at these batches: one step takes 7 and 14 s there (5 · N ·
     * 4096² multiply-adds at about 1.5 G per second), so the two cells would add about a minute to a
     * sweep of about 8 per precision, where SIMD is far ahead anyway.
     */
    static final List<Integer> SWEEP_SCALAR_SKIPS_4096 = List.of(128, 256);
    /** The smoke's grid: two widths by two batches, batch 1 (the online step) and a batched step. */
    static final List<Integer> SMOKE_WIDTHS = List.of(64, 128);
    static final List<Integer> SMOKE_BATCHES = List.of(1, 8);

    /**
     * One JMH invocation.
     *
     * @param benchmarks full names, such as io.vecprop.bench.GemmBench.mult
     * @param params JMH parameters, name to comma-separated values
     * @param jmhThreads JMH worker threads (-t), 1 except for the two-core ceilings
     * @param warmups JMH warm-up iterations (-wi), or 0 where the mode's arguments set them
     */
    record Run(List<String> benchmarks, Map<String, String> params, int jmhThreads, int warmups) {

        Run(List<String> benchmarks, Map<String, String> params, int jmhThreads) {
            this(benchmarks, params, jmhThreads, 0);
        }

        /**
         * The JMH command-line arguments of this run, before the mode's and the profiler's: JMH's own
         * syntax, as {@code java -jar benchmarks.jar} takes them and {@code BenchCommand} hands them to its Runner.
         */
        List<String> args() {
            List<String> args = new ArrayList<>();
            args.add("^(" + String.join("|", benchmarks.stream().map(Pattern::quote).toList()) + ")$");
            params.forEach((k, v) -> {
                args.add("-p");
                args.add(k + "=" + v);
            });
            args.add("-t");
            args.add(Integer.toString(jmhThreads));
            if (warmups > 0) {
                args.add("-wi");
                args.add(Integer.toString(warmups));
            }
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
        if (mode.isSweep()) {
            return sweepRuns(mode, only, threads, precisions);
        }
        List<Run> runs = new ArrayList<>();
        switch (mode) {
            case smoke -> {
                runs.add(run(List.of("SigmoidBench.sigmoid"), "kernels", "scalar,poly", "n", "1024"));
                runs.add(run(List.of("TrainingBench.step"), "workload", "W1", "kernels", "simd", "threads", "1"));
            }
            case quick -> {
                // scalar only where it is the reference of a cheap kernel; the products and steps in SIMD
                runs.add(warm(2, run(List.of("SigmoidBench.sigmoid"), "n", "4096")));
                runs.add(warm(2, run(List.of("DeltaBench.outputDelta"), "n", "1024", "threads", "1")));
                runs.add(warm(2, run(List.of("DeltaBench.hiddenDelta"), "kernels", "simd", "n", "1024", "threads", "1")));
                runs.add(warm(2, run(List.of("UpdateBench.outerProduct"), "kernels", "scalar,simd", "n", "1024", "threads", "1")));
                runs.add(warm(2, run(List.of("UpdateBench.onlineBackward", "UpdateBench.rankK"), "kernels", "simd", "n", "1024",
                        "threads", "1")));
                runs.add(warm(2, run(List.of("UpdateBench.outerProduct"), "kernels", "simd", "n", "4096", "threads", "2")));
                runs.add(warm(2, run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"), "kernels", "simd",
                        "n", "256", "threads", "1")));
                runs.add(warm(2, run(List.of("GemmBench.forward", "GemmBench.mult", "GemmBench.rankK"),
                        "kernels", "simd", "n", "1024", "threads", "1,2")));
                runs.add(warm(7, run(List.of("TrainingBench.step"), "workload", "W1,W2", "threads", "1")));
                runs.add(warm(5, run(List.of("TrainingBench.step"), "workload", "W3,W4", "kernels", "simd", "threads", "1,2")));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad"), Map.of("n", "4194304"), 1, 2));
                runs.add(new Run(names("PeakBench.fma", "PeakBench.triad"), Map.of("n", "4194304"), 2, 2));
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
            default -> throw new IllegalStateException("unreachable: " + mode);
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
            Run run = new Run(kept, params, jmhThreads, r.warmups());
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

    /**
     * The sweep's runs, one per width and kernel choice so the progress lines come every half
     * minute or so: the scalar kernels on one thread (they never split), SIMD on one and two threads
     * ({@code --threads N}: on one and N; 1: on one only). Each run covers every batch of the grid and
     * every precision asked for. --only keeps or drops the sweep as a whole.
     */
    private static List<Run> sweepRuns(Mode mode, Pattern only, Integer threads, List<Precision> precisions) {
        if (only != null && !only.matcher(PKG + SWEEP).find()) {
            return List.of();
        }
        boolean smoke = mode == Mode.sweepSmoke;
        String simdThreads = threads == null ? "1,2" : threads == 1 ? "1" : "1," + threads;
        String precision = String.join(",", precisions.stream().map(Precision::id).toList());
        List<Run> runs = new ArrayList<>();
        for (int width : smoke ? SMOKE_WIDTHS : SWEEP_WIDTHS) {
            List<Integer> batches = smoke ? SMOKE_BATCHES : SWEEP_BATCHES;
            List<Integer> scalarBatches = width == 4096 && !smoke
                    ? batches.stream().filter(b -> !SWEEP_SCALAR_SKIPS_4096.contains(b)).toList() : batches;
            runs.add(sweepRun(width, scalarBatches, "scalar", "1", precision));
            runs.add(sweepRun(width, batches, "simd", simdThreads, precision));
        }
        return runs;
    }

    private static Run sweepRun(int width, List<Integer> batches, String kernels, String threads, String precision) {
        return run(List.of(SWEEP), "width", Integer.toString(width), "batch", join(batches), "kernels", kernels,
                "threads", threads, "precision", precision);
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
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

    private static Run warm(int warmups, Run r) {
        return new Run(r.benchmarks(), r.params(), r.jmhThreads(), warmups);
    }

    private static Run run(List<String> shortNames, String... params) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        return new Run(names(shortNames.toArray(String[]::new)), map, 1);
    }
}
