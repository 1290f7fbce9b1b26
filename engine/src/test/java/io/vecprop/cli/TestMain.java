package io.vecprop.cli;

import io.vecprop.io.JsonReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.example.Explanation;
import io.vecprop.example.WorkedExample;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.Parity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Command;

/** The command line's conventions; its run helpers are public for the bench module's command tests. */
public class TestMain {

    /** What one run printed and returned. */
    public record Run(int code, String out, String err) {
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void explainJsonHasExactlyTheDocumentedKeysAtFullPrecision() {
        Run r = run("explain", "--format", "json", "--kernels", "scalar");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = object(JsonReader.parse(r.out()));
        assertEquals(List.of("precision", "net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2",
                "e_total", "grad", "updated", "trajectory"), List.copyOf(m.keySet()));
        assertEquals("f64", m.get("precision"));
        Set<String> weights = Set.of("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8");
        assertEquals(weights, object(m.get("grad")).keySet());
        assertEquals(weights, object(m.get("updated")).keySet());

        // full double precision: the printed value reads back to the exact double
        assertEquals(0.0407338056927284, (Double) m.get("e_total"), 0.0);
        Explanation ex = WorkedExample.explain(Kernels.scalar());
        assertEquals(ex.outH1(), (Double) m.get("out_h1"), 0.0);
        assertEquals(ex.netO2(), (Double) m.get("net_o2"), 0.0);
        assertEquals(0.028133669, (Double) object(m.get("grad")).get("w6"), 1e-9);
        assertEquals(0.347186633, (Double) object(m.get("updated")).get("w6"), 1e-9);
        for (Explanation.WeightStep w : ex.weights()) {
            assertEquals(w.gradient(), (Double) object(m.get("grad")).get(w.name()), 0.0, w.name());
            assertEquals(w.updated(), (Double) object(m.get("updated")).get(w.name()), 0.0, w.name());
        }

        List<Object> trajectory = (List<Object>) m.get("trajectory");
        assertEquals(10, trajectory.size());
        int i = 0;
        for (boolean trainBias : new boolean[] {false, true}) {
            for (int steps : new int[] {1, 10, 100, 1000, 10000}) {
                Map<String, Object> p = object(trajectory.get(i));
                assertEquals(List.of("steps", "train_bias", "e_total", "out_o1", "out_o2"), List.copyOf(p.keySet()));
                assertEquals((long) steps, p.get("steps"));
                assertEquals(trainBias, p.get("train_bias"));
                assertEquals(ex.trajectory().get(i).eTotal(), (Double) p.get("e_total"), 0.0);
                i++;
            }
        }
    }

    /**
     * The worked example in float agrees with the double walk to 6 significant digits in every
     * figure of the forward pass, E_total, the chain rule and the step, and the JSON's drift is
     * exactly f32 - f64 of the two walks.
     */
    @Test
    void explainInF32AgreesWithF64ToSixDigitsAndReportsTheDrift() {
        for (String kernels : new String[] {"scalar", "simd"}) {
            // the drift is measured against the double walk on the same kernels
            Map<String, Object> f64 = object(JsonReader.parse(run("explain", "--format", "json", "--kernels", kernels).out()));
            Run r = run("explain", "--format", "json", "--precision", "f32", "--kernels", kernels);
            assertEquals(0, r.code(), r.err());
            Map<String, Object> f32 = object(JsonReader.parse(r.out()));
            assertEquals("f32", f32.get("precision"));
            Map<String, Object> drift = object(f32.get("drift"));
            int checked = 0;
            for (String key : List.of("net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2", "e_total")) {
                double a = (Double) f32.get(key), b = (Double) f64.get(key);
                assertEquals(b, a, 5e-6 * Math.abs(b), key); // 6 significant digits
                assertTrue(a != b, key + ": a float walk that equals the double one to the bit did not run in float");
                assertEquals(a - b, (Double) drift.get(key), 0.0, key);
                checked++;
            }
            for (String part : List.of("grad", "updated")) {
                for (String w : object(f64.get(part)).keySet()) {
                    double a = (Double) object(f32.get(part)).get(w), b = (Double) object(f64.get(part)).get(w);
                    assertEquals(b, a, 5e-6 * Math.abs(b), part + " " + w);
                    assertEquals(a - b, (Double) object(drift.get(part)).get(w), 0.0, part + " " + w);
                    checked++;
                }
            }
            assertEquals(25, checked);
            // the figures are floats: each reads back unchanged through float
            double e = (Double) f32.get("e_total");
            assertEquals(e, (double) (float) e, 0.0);
        }
        Run text = run("explain", "--precision", "f32", "--kernels", "scalar");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("computed in f32"), text.out());
        assertTrue(text.out().matches("(?s).*net\\(h1\\) = w1\\*i1 \\+ w2\\*i2 \\+ b1 += 0\\.41\\d* \\[[+-]\\d\\.\\de-\\d\\d\\].*"), text.out());
    }

    @Test
    void badPrecisionIsAUsageError() {
        for (String command : new String[] {"explain", "train", "info"}) {
            Run r = run(command, "--precision", "f16");
            assertEquals(2, r.code(), command);
            assertTrue(r.err().contains("Invalid value for option '--precision': 'f16' must be f64 or f32"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void trainTheWorkedExampleInF32() {
        Run r = run("train", "--format", "json", "--precision", "f32", "--kernels", "scalar");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = object(JsonReader.parse(r.out()));
        assertEquals("f32", m.get("precision"));
        assertTrue((Double) m.get("e_total") < 1e-6, r.out());
        List<Object> out = (List<Object>) m.get("out");
        assertEquals(0.5, (Double) out.get(0), 2e-3);
        double o1 = (Double) out.get(0);
        assertEquals(o1, (double) (float) o1, 0.0, "a float output");
    }

    @Test
    void explainUnderSimdAgreesWithScalar() {
        io.vecprop.kernels.SimdSupport.simd(1);
        Map<String, Object> scalar = object(JsonReader.parse(run("explain", "--format", "json", "--kernels", "scalar").out()));
        Run r = run("explain", "--format", "json", "--kernels", "simd", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> simd = object(JsonReader.parse(r.out()));
        for (String key : List.of("net_h1", "out_h1", "net_o2", "out_o2", "e_total")) {
            assertEquals((Double) scalar.get(key), (Double) simd.get(key), 1e-15 * Math.abs((Double) scalar.get(key)), key);
        }
        for (String w : object(scalar.get("grad")).keySet()) {
            double g = (Double) object(scalar.get("grad")).get(w);
            assertEquals(g, (Double) object(simd.get("grad")).get(w), 1e-13 * Math.abs(g), w);
        }
    }

    @Test
    void infoNamesKernelsSpeciesLanesThreadsAndJdk() {
        Run r = run("info", "--kernels", "scalar", "--format", "json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = object(JsonReader.parse(r.out()));
        assertEquals("scalar", m.get("kernels"));
        assertEquals(1L, m.get("lanes"));
        assertTrue(((String) m.get("jdk")).contains(Runtime.version().toString()));
        assertTrue(m.containsKey("aligned_pack_buffers"));
        io.vecprop.kernels.SimdSupport.simd(1);
        r = run("info", "--kernels", "simd", "--threads", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("kernels     simd"), r.out());
        assertTrue(r.out().contains("threads     3"), r.out());
        assertTrue(r.out().matches("(?s).*species     (128|256|512)-bit DoubleVector.*"), r.out());
    }

    @Test
    void infoParityPrintsEveryKernelInBothPrecisions() {
        io.vecprop.kernels.SimdSupport.simd(1);
        Run r = run("info", "--parity", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("SIMD kernels (") && lines.get(0).endsWith("against scalar, on the same seeded inputs"),
                lines.get(0));
        assertTrue(lines.get(1).matches("kernel +precision +sizes +max ulps +max rel diff"), lines.get(1));
        List<String> rows = lines.subList(2, 2 + 2 * Parity.Kernel.values().length);
        int i = 0;
        for (Parity.Kernel k : Parity.Kernel.values()) {
            for (String precision : List.of("f64", "f32")) {
                String row = rows.get(i++);
                assertTrue(row.startsWith(k.id() + " "), row);
                assertTrue(row.matches(".*  " + precision + "  +1, 7, 17, 33, 127, 257.*  \\S+  +\\S+"), row);
            }
        }
        assertTrue(rows.get(0).startsWith("SigmoidBench.sigmoid (poly)") || rows.get(0).startsWith("SigmoidBench.sigmoid (lanewise)"));
        assertTrue(r.out().contains("37x41x53, 1x127x257"), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("max ulps is |simd - scalar| / ulp(scalar)"), r.out());
        assertFalse(r.out().contains("kernels     "), "not the kernels' description");
    }

    @Test
    void infoParityJsonIsAListOfTheCheckedPrecision() {
        io.vecprop.kernels.SimdSupport.simd(1);
        Run r = run("info", "--parity", "--precision", "f32", "--format", "json");
        assertEquals(0, r.code(), r.err());
        List<?> list = (List<?>) JsonReader.parse(r.out());
        assertEquals(Parity.Kernel.values().length, list.size());
        for (Object o : list) {
            Map<String, Object> m = object(o);
            assertEquals("f32", m.get("precision"));
            boolean sigmoid = m.get("kernel").equals("SigmoidBench.sigmoid");
            assertEquals(sigmoid ? List.of("kernel", "sigmoid", "precision", "sizes", "max_ulps", "max_rel")
                    : List.of("kernel", "precision", "sizes", "max_ulps", "max_rel"), List.copyOf(m.keySet()));
            assertTrue(((List<?>) m.get("sizes")).containsAll(List.of("1", "257")), m.toString());
            if (sigmoid) {
                assertTrue((Double) m.get("max_ulps") <= 4, m.toString());
            }
            assertTrue((Double) m.get("max_rel") < 0.1, m.toString());
        }
        Run scalar = run("info", "--parity", "--kernels", "scalar");
        assertEquals(2, scalar.code());
        assertEquals(1, scalar.errLines().size(), scalar.err());
        assertTrue(scalar.err().contains("--parity checks the SIMD kernels against the scalar ones"), scalar.err());
    }

    @Test
    void explainTextShowsTheTextsFiguresToNineDigitsAndItsSlip() {
        Run r = run("explain");
        assertEquals(0, r.code(), r.err());
        for (String figure : new String[] {"0.415", "0.602286177", "0.411", "0.601327636", "0.748598311",
                "0.759762733", "0.0407338057", "0.0281336689", "0.347186633"}) {
            assertTrue(r.out().contains(figure), () -> "explain lacks " + figure + ":\n" + r.out());
        }
        assertTrue(r.out().contains("0.025283526"), "the text's wrong E_total is pointed out");
        for (int k = 1; k <= 8; k++) {
            assertTrue(r.out().contains("w" + k + " "), "w" + k);
        }
        assertEquals("", r.err());
    }

    @Test
    void trainJsonReachesTheTarget() {
        for (String[] args : new String[][] {{"train", "--format", "json"}, {"train", "--freeze-bias", "--format=json"}}) {
            Run r = run(args);
            assertEquals(0, r.code(), r.err());
            Map<String, Object> m = object(JsonReader.parse(r.out()));
            assertEquals(List.of("precision", "steps", "e_total", "out", "seconds"), List.copyOf(m.keySet()));
            assertEquals("f64", m.get("precision"));
            assertTrue((Double) m.get("e_total") < 1e-6, r.out());
            List<Object> out = (List<Object>) m.get("out");
            assertEquals(0.5, (Double) out.get(0), 2e-3);
            assertEquals(0.9, (Double) out.get(1), 2e-3);
            assertTrue((Long) m.get("steps") > 100);
        }
    }

    @Test
    void trainTextPrintsProgressAndSummary() {
        Run r = run("train", "--lr", "0.5", "--target-loss", "1e-4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step          1"), r.out());
        assertTrue(r.out().contains("reached the target after"), r.out());
    }

    @Test
    void trainStopsAtMaxSteps() {
        Run r = run("train", "--max-steps", "3", "--format", "json");
        assertEquals(0, r.code());
        Map<String, Object> m = object(JsonReader.parse(r.out()));
        assertEquals(3L, m.get("steps"));
        assertTrue((Double) m.get("e_total") > 1e-6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "train --lr NaN          | --lr        | NaN",
        "train --lr -0.5         | --lr        | -0.5",
        "train --lr 0            | --lr        | 0",
        "train --lr abc          | --lr        | abc",
        "train --lr Infinity     | --lr        | Infinity",
        "train --max-steps 0     | --max-steps | 0",
        "train --max-steps -3    | --max-steps | -3",
        "train --target-loss -1  | --target-loss | -1",
        "explain --format xml    | --format    | xml",
        "train --bogus           | --bogus     | --bogus",
        "train --kernels gpu     | --kernels   | gpu",
        "explain --threads 0     | --threads   | 0",
        "info --vector-bits 100  | --vector-bits | 100",
        "info --parity --kernels scalar | --kernels | scalar",
        "train --sigmoid tanh    | --sigmoid   | tanh",
        "frobnicate              | frobnicate  | frobnicate",
    })
    void badFlagsExitTwoWithOneLineNamingFlagAndValue(String args, String flag, String value) {
        Run r = run(args.trim().split("\\s+"));
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertTrue(line.contains(flag) && line.contains(value), line);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("the disk is full");
        }
    }

    @Test
    void runtimeFailureExitsOneWithOneLineAndATraceOnlyWithDebug() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new Failing(), new PrintWriter(new StringWriter()), new PrintWriter(err), false)
                .execute();
        assertEquals(1, code);
        assertEquals(1, err.toString().split("\n").length, err.toString());
        assertTrue(err.toString().startsWith("vecprop: error: the disk is full"));

        StringWriter debugErr = new StringWriter();
        code = Main.commandLine(new Failing(), new PrintWriter(new StringWriter()), new PrintWriter(debugErr), true)
                .execute();
        assertEquals(1, code);
        assertTrue(debugErr.toString().contains("\tat "), "a stack trace with --debug");
    }

    @Test
    void helpOfEveryCommandSaysWhatItDoesAndShowsAnExample() {
        for (String[] args : new String[][] {{"--help"}, {"explain", "--help"}, {"train", "--help"}, {"eval", "--help"},
            {"predict", "--help"}, {"info", "--help"}, {"gradcheck", "--help"}, {"plot", "--help"}}) {
            Run r = run(args);
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage:"), r.out());
            assertTrue(r.out().contains("Example"), r.out());
            assertTrue(r.out().contains("./vecprop"), r.out());
        }
    }

    @Test
    void helpListsTheBenchModulesCommandsWithoutTheModule() {
        Run r = run("--help");
        assertEquals(0, r.code());
        List<String> commands = r.out().lines().filter(l -> l.matches("  [a-z]+ .*")).map(l -> l.trim().split(" ")[0])
                .toList();
        assertEquals(List.of("explain", "train", "eval", "predict", "info", "gradcheck", "plot", "profile", "bench", "help"), commands, r.out());
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("profile " + ModuleCommands.PROFILE_HEADER), r.out());
        assertTrue(flat.contains("bench " + ModuleCommands.BENCH_HEADER), r.out());
    }

    @Test
    void benchAndProfileWithoutTheModuleSayHowToRunThemAndExitOne() {
        for (String[] args : new String[][] {{"bench"}, {"bench", "--smoke", "--out", "x"}, {"profile", "--workload", "W3"},
            {"profile", "--bogus"}}) {
            Run r = run(args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out());
            assertEquals(List.of("vecprop: " + args[0] + " comes with the vecprop-bench module, which is not on the class "
                    + "path here: run ./vecprop " + args[0] + ", which builds bench/target/benchmarks.jar and runs with it"),
                    r.errLines());
        }
        Run help = run("bench", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("./vecprop bench") && help.out().contains("vecprop-bench module"), help.out());
    }

    @Command(name = "bench", header = ModuleCommands.BENCH_HEADER)
    static final class Provided implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "other", header = "Another module's command.")
    static final class Other implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void aProvidersCommandsTakeTheStandInsPlaceOthersComeBeforeHelp() {
        CommandProvider provider = () -> List.of(new Other(), new Provided());
        picocli.CommandLine cli = VecpropCommand.commandLine(List.of(provider));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(List.of("explain", "train", "eval", "predict", "info", "gradcheck", "plot", "profile", "bench", "other", "help"),
                List.copyOf(cli.getSubcommands().keySet()));
        assertTrue(cli.getSubcommands().get("bench").getCommand() instanceof Provided);
        assertTrue(cli.getSubcommands().get("profile").getCommand() instanceof ModuleCommands.StandIn);
        assertEquals(0, cli.execute("bench"));
        assertEquals(1, cli.execute("profile", "--seconds", "1"));
        assertTrue(err.toString().startsWith("vecprop: profile comes with the vecprop-bench module"), err.toString());
    }

    @Test
    void nineSignificantDigits() {
        assertEquals("0.602286177", Values.sig9(0.6022861768886306));
        assertEquals("0.415", Values.sig9(0.41500000000000004));
        assertEquals("1e-6", Values.sig9(1e-6));
        assertEquals("1.18673233e-16", Values.sig9(1.1867323325014462E-16));
        assertEquals("-0.0154164615", Values.sig9(-0.015416461450936439));
        assertEquals("0", Values.sig9(0));
    }
}
