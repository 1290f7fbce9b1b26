package io.vecprop.cli;

import io.vecprop.io.Json;
import static io.vecprop.cli.Values.sig9;

import io.vecprop.example.Explanation;
import io.vecprop.example.Explanation.TrajectoryPoint;
import io.vecprop.example.Explanation.WeightStep;
import io.vecprop.example.WorkedExample;
import io.vecprop.example.WorkedExampleF32;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain",
        mixinStandardHelpOptions = true,
        header = "Walk the 2-2-2 worked example step by step, every figure computed by the engine.",
        description = 
            "Walks the 2-2-2 worked example in the text's notation: the forward pass (net and out "
                + "of h1, h2, o1, o2), E_total, the chain rule for each of w1..w8, the weights after one "
                + "step of lr 0.1 with the biases frozen, and E_total and the outputs after 1, 10, 100, "
                + "1000 and 10000 steps, with the biases frozen and trained. Every figure is computed by "
                + "the engine. With --precision f32 the whole walk computes in float, and each figure is followed by its "
                + "drift from the double walk (f32 - f64).",
        footer = {"", "Examples:", "  ./vecprop explain", "  ./vecprop explain --precision f32",
            "  ./vecprop explain --format json | jq .grad"})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text (9 significant digits, default) or json (every figure in full; with --precision f32 also "
                    + "\"drift\", the same figures as f32 - f64).")
    Values.Format format;

    @Override
    public Integer call() {
        Precision precision = kernelOptions.precision(Precision.F64);
        KernelSelection kernels = kernelOptions.selection(spec.commandLine().getErr());
        Explanation f64 = WorkedExample.explain(kernels.f64());
        Explanation f32 = precision == Precision.F32 ? WorkedExampleF32.explain(kernels.f32()) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (format == Values.Format.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision.id());
            m.putAll(json(f32 != null ? f32 : f64));
            if (f32 != null) {
                m.put("drift", drift(json(f32), json(f64)));
            }
            out.println(Json.write(m));
        } else if (f32 != null) {
            text(f32, f64, out);
        } else {
            text(f64, null, out);
        }
        out.flush();
        return 0;
    }

    /** The same structure as a and b (maps, lists, numbers), each number a - b; other values as in a. */
    @SuppressWarnings("unchecked")
    static Object drift(Object a, Object b) {
        if (a instanceof Map<?, ?> ma) {
            Map<String, Object> d = new LinkedHashMap<>();
            ((Map<String, Object>) ma).forEach((k, v) -> d.put(k, drift(v, ((Map<String, Object>) b).get(k))));
            return d;
        }
        if (a instanceof List<?> la) {
            List<Object> d = new ArrayList<>();
            for (int i = 0; i < la.size(); i++) {
                d.add(drift(la.get(i), ((List<?>) b).get(i)));
            }
            return d;
        }
        if (a instanceof Double da) {
            return da - (Double) b;
        }
        return a;
    }

    static Map<String, Object> json(Explanation ex) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("net_h1", ex.netH1());
        m.put("out_h1", ex.outH1());
        m.put("net_h2", ex.netH2());
        m.put("out_h2", ex.outH2());
        m.put("net_o1", ex.netO1());
        m.put("out_o1", ex.outO1());
        m.put("net_o2", ex.netO2());
        m.put("out_o2", ex.outO2());
        m.put("e_total", ex.eTotal());
        Map<String, Object> grad = new LinkedHashMap<>();
        Map<String, Object> updated = new LinkedHashMap<>();
        for (WeightStep w : ex.weights()) {
            grad.put(w.name(), w.gradient());
            updated.put(w.name(), w.updated());
        }
        m.put("grad", grad);
        m.put("updated", updated);
        List<Object> trajectory = new ArrayList<>();
        for (TrajectoryPoint p : ex.trajectory()) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("steps", p.steps());
            point.put("train_bias", p.trainBias());
            point.put("e_total", p.eTotal());
            point.put("out_o1", p.outO1());
            point.put("out_o2", p.outO2());
            trajectory.add(point);
        }
        m.put("trajectory", trajectory);
        return m;
    }

    /**
     * The walk as text. With a reference (the double walk, when ex is the float one), every
     * computed figure is followed by its drift from the reference: {@code [f32 - f64: +1.2e-08]}.
     */
    private static void text(Explanation ex, Explanation ref, PrintWriter out) {
        Shown v = new Shown(ex, ref);
        out.println("The worked example: a 2-2-2 sigmoid network, out = 1 / (1 + e^-net)"
                + (ref == null ? "" : ", computed in f32; after each figure its drift from the f64 walk, [f32 - f64]"));
        out.printf("  inputs  i1 = %s, i2 = %s    targets o1 = %s, o2 = %s    biases b1 = %s, b2 = %s%n",
                sig9(WorkedExample.I1), sig9(WorkedExample.I2), sig9(WorkedExample.TARGET_O1),
                sig9(WorkedExample.TARGET_O2), sig9(WorkedExample.B1), sig9(WorkedExample.B2));
        out.printf("  W1 = [[w1, w2], [w3, w4]] = [[%s, %s], [%s, %s]]    W2 = [[w5, w6], [w7, w8]] = [[%s, %s], [%s, %s]]%n",
                w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8));
        out.println();

        out.println("1. Forward pass");
        out.printf("  net(h1) = w1*i1 + w2*i2 + b1             = %s%n", v.of(Explanation::netH1));
        out.printf("  out(h1) = 1 / (1 + e^-net(h1))           = %s%n", v.of(Explanation::outH1));
        out.printf("  net(h2) = w3*i1 + w4*i2 + b1             = %s%n", v.of(Explanation::netH2));
        out.printf("  out(h2) = 1 / (1 + e^-net(h2))           = %s%n", v.of(Explanation::outH2));
        out.printf("  net(o1) = w5*out(h1) + w6*out(h2) + b2   = %s%n", v.of(Explanation::netO1));
        out.printf("  out(o1) = 1 / (1 + e^-net(o1))           = %s%n", v.of(Explanation::outO1));
        out.printf("  net(o2) = w7*out(h1) + w8*out(h2) + b2   = %s%n", v.of(Explanation::netO2));
        out.printf("  out(o2) = 1 / (1 + e^-net(o2))           = %s%n", v.of(Explanation::outO2));
        out.println();

        double e1 = 0.5 * sq(WorkedExample.TARGET_O1 - ex.outO1());
        double e2 = 0.5 * sq(WorkedExample.TARGET_O2 - ex.outO2());
        out.println("2. Total error");
        out.printf("  E_total = 1/2 (0.5 - out(o1))^2 + 1/2 (0.9 - out(o2))^2 = %s + %s = %s%n",
                sig9(e1), sig9(e2), v.of(Explanation::eTotal));
        out.printf("  (the text prints E_total = %s: it halved its first term twice, %s instead of %s)%n",
                sig9(WorkedExample.TEXT_E_TOTAL), sig9(e1 / 2), sig9(e1));
        out.println();

        out.println("3. Backward pass: dE_total/dw = dE_total/dout * dout/dnet * dnet/dw");
        out.println("  output weights: dE/dout(o) = out(o) - target(o), dout/dnet = out(o)(1 - out(o)), dnet(o)/dw = out(h)");
        out.println("  hidden weights: dE/dout(h) = delta(o1)*w(o1<-h) + delta(o2)*w(o2<-h), delta(o) = dE/dnet(o),");
        out.println("                  with w5..w8 before the update; dout/dnet = out(h)(1 - out(h)), dnet(h)/dw = i");
        out.printf("  %-3s %-9s %-28s %-16s %-14s %-14s %s%n", "w", "path", "dE/dout", "", "dout/dnet", "dnet/dw", "dE/dw");
        List<WeightStep> order = new ArrayList<>(ex.weights().subList(4, 8));
        order.addAll(ex.weights().subList(0, 4));
        for (WeightStep s : order) {
            out.printf("  %-3s %-9s %-28s %-16s %-14s %-14s %s%n", s.name(), s.from() + "->" + s.unit(),
                    s.dEdOutFormula(), "= " + v.of(s, WeightStep::dEdOut), v.of(s, WeightStep::dOutdNet),
                    v.of(s, WeightStep::dNetdW), v.of(s, WeightStep::gradient));
        }
        out.println();

        out.printf("4. One step of gradient descent, lr %s, biases frozen: w <- w - lr * dE/dw%n",
                sig9(WorkedExample.LEARNING_RATE));
        for (WeightStep s : ex.weights()) {
            out.printf("  %-3s %-12s -> %s%n", s.name(), sig9(WorkedExample.initialWeight(s.index())), v.of(s, WeightStep::updated));
        }
        out.println();

        out.println("5. Iterating (online, lr 0.1): E_total and the outputs (targets 0.5 and 0.9)");
        out.printf("  %-7s %-8s %-16s %-13s %s%n", "steps", "biases", "E_total", "out(o1)", "out(o2)");
        for (int i = 0; i < ex.trajectory().size(); i++) {
            TrajectoryPoint p = ex.trajectory().get(i);
            out.printf("  %-7d %-8s %-16s %-13s %s%n", p.steps(), p.trainBias() ? "trained" : "frozen",
                    v.of(i, TrajectoryPoint::eTotal), v.of(i, TrajectoryPoint::outO1), v.of(i, TrajectoryPoint::outO2));
        }
    }

    /** A figure of ex in 9 significant digits, and with a reference walk its drift from it. */
    private record Shown(Explanation ex, Explanation ref) {
        String of(ToDoubleFunction<Explanation> figure) {
            return shown(figure.applyAsDouble(ex), ref == null ? 0 : figure.applyAsDouble(ref));
        }

        String of(WeightStep s, ToDoubleFunction<WeightStep> figure) {
            int i = ex.weights().indexOf(s);
            return shown(figure.applyAsDouble(s), ref == null ? 0 : figure.applyAsDouble(ref.weights().get(i)));
        }

        String of(int point, ToDoubleFunction<TrajectoryPoint> figure) {
            return shown(figure.applyAsDouble(ex.trajectory().get(point)),
                    ref == null ? 0 : figure.applyAsDouble(ref.trajectory().get(point)));
        }

        private String shown(double value, double reference) {
            return ref == null ? sig9(value) : sig9(value) + " [" + String.format(java.util.Locale.ROOT, "%+.1e", value - reference) + "]";
        }
    }

    private static String w(int k) {
        return sig9(WorkedExample.initialWeight(k));
    }

    private static double sq(double v) {
        return v * v;
    }
}
