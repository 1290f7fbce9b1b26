package io.vecprop.cli;

import io.vecprop.data.Scaler;
import io.vecprop.io.Excerpt;
import io.vecprop.io.Json;
import io.vecprop.io.ModelFile;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Parity;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info",
        mixinStandardHelpOptions = true,
        header = "Show the kernels this JVM would use: implementation, vector width, lanes, threads, JDK.",
        description = 
            "Prints which kernels the other commands pick with the same flags, and why auto fell "
                + "back to scalar if it did. With --parity, prints instead how far the SIMD kernels' results are "
                + "from the scalar ones on the same inputs. With --model, prints instead what a saved model is: its "
                + "layers with their activations and parameters, the precision it is stored in, its loss, scaling and classes.",
        footer = {"", "Examples:", "  ./vecprop info", "  ./vecprop info --kernels simd --vector-bits 256 --threads 1",
            "  ./vecprop info --format json", "  ./vecprop info --parity", "  ./vecprop info --parity --precision f32 --format json",
            "  ./vecprop info --model blobs.safetensors"})
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text (default) or json.")
    Values.Format format;

    @Option(names = "--parity", description = "Only check the SIMD kernels against the scalar ones on the same seeded "
            + "inputs: every kernel over odd sizes (1, 7, 17, 33, 127, 257 and shapes such as 37x41x53), in f64 and f32 "
            + "(or --precision's), as max ulps and max relative difference.")
    boolean parity;

    @Option(names = "--model", paramLabel = "FILE", description = "Only describe this saved model (safetensors, as "
            + "train --model-out wrote it): layers, activations, parameters per layer and in all, stored precision, loss, "
            + "scaling and classes.")
    Path model;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (model != null) {
            if (parity) {
                throw new ParameterException(spec.commandLine(), "--model and --parity are two different reports: give one");
            }
            new CommandFiles().input("--model", model).check(spec.commandLine(), (o, i) -> false);
            return describe(out, ModelFile.read(model, null, KernelSelection.scalar()));
        }
        if (parity) {
            return parity(out, spec.commandLine().getErr());
        }
        Precision precision = kernelOptions.precision(Precision.F64);
        KernelSelection kernels = kernelOptions.selection(spec.commandLine().getErr());
        KernelInfo info = kernels.info(precision);
        boolean aligned = precision == Precision.F32 ? io.vecprop.kernels.AlignedBuffersF32.aligned()
                : io.vecprop.kernels.AlignedBuffers.aligned();
        String why = KernelProvider.simdUnavailableReason();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", precision.id());
        m.put("kernels", info.name());
        m.put("vector_bits", info.vectorBits());
        m.put("lanes", info.lanes());
        m.put("sigmoid", info.sigmoid());
        m.put("threads", info.threads());
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("aligned_pack_buffers", aligned);
        m.put("simd_available", why == null);
        m.put("simd_unavailable_reason", why);
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        m.put("os_arch", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        if (format == Values.Format.json) {
            out.println(Json.write(m));
        } else {
            String type = precision == Precision.F32 ? "float" : "double";
            out.printf("precision   %s (%s)%n", precision, type);
            out.printf("kernels     %s%n", info.name());
            out.printf("species     %s%n", info.vectorBits() == 0 ? "none (scalar)"
                    : info.vectorBits() + "-bit " + (precision == Precision.F32 ? "FloatVector" : "DoubleVector"));
            out.printf("lanes       %d %ss per vector%n", info.lanes(), type);
            out.printf("sigmoid     %s%n", info.sigmoid());
            out.printf("threads     %d (of %d processors)%n", info.threads(), Runtime.getRuntime().availableProcessors());
            out.printf("gemm packs  %s%n", aligned
                    ? "on 64-byte cache lines (G1 humongous arrays)" : "plain arrays (not line-aligned: see AlignedBuffers)");
            out.printf("simd        %s%n", why == null ? "available" : "unavailable: " + why);
            out.printf("jdk         %s%n", m.get("jdk"));
            out.printf("platform    %s%n", m.get("os_arch"));
        }
        out.flush();
        return 0;
    }

    /** info --model: what the model is, read in its file's own precision (nothing is converted). */
    private int describe(PrintWriter out, ModelFile.Model m) {
        DenseNetwork net = m.network();
        int[] w = net.widths();
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int l = 0; l < net.layerCount(); l++) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("layer", l);
            layer.put("inputs", w[l]);
            layer.put("outputs", w[l + 1]);
            // hidden layers are sigmoid; the output's activation comes with the loss
            layer.put("activation", net.activation(l).id());
            layer.put("parameters", DenseNetwork.parameterCount(w[l], w[l + 1]));
            layers.add(layer);
        }
        Scaler.Kind scaling = m.scaler().kind();
        if (format == Values.Format.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model.toString());
            j.put("precision", m.stored().id());
            j.put("loss", net.lossFunction().id());
            j.put("widths", java.util.Arrays.stream(w).boxed().toList());
            j.put("layers", layers);
            j.put("parameters", net.parameterCount());
            j.put("scaling", scaling.id());
            j.put("classes", m.classes());
            out.println(Json.write(j));
        } else {
            out.printf("model       %s%n", model);
            out.printf("network     %s, %s (stored as %s)%n", io.vecprop.train.TrainOnData.join(w), m.stored(),
                    m.stored().dtype());
            out.printf("loss        %s%n", net.lossFunction());
            out.printf("%-7s %-14s %-10s %s%n", "layer", "shape", "activation", "parameters");
            for (Map<String, Object> layer : layers) {
                out.printf("%-7s %-14s %-10s %,d%n", layer.get("layer"), layer.get("inputs") + " -> " + layer.get("outputs"),
                        layer.get("activation"), (Long) layer.get("parameters"));
            }
            out.printf("total   %,d parameters%n", net.parameterCount());
            out.printf("scaling     %s%n", scaling);
            out.printf("classes     %s%n", m.classes().isEmpty() ? "none (numeric targets)"
                    : m.classes().size() + ": " + Excerpt.list(m.classes()));
        }
        out.flush();
        return 0;
    }

    /** info --parity: the table of {@link ParityTable}, or one sentence when SIMD cannot run here. */
    private int parity(PrintWriter out, PrintWriter err) {
        if (kernelOptions.choice == KernelProvider.Choice.SCALAR) {
            throw new ParameterException(spec.commandLine(),
                    "--parity checks the SIMD kernels against the scalar ones: leave out '--kernels scalar'");
        }
        List<String> precisions = kernelOptions.precision == null ? List.of(Parity.F64, Parity.F32)
                : List.of(kernelOptions.precision.id());
        String why = KernelProvider.simdUnavailableReason();
        if (why != null) {
            String line = ParityTable.unavailable(why);
            if (format == Values.Format.json) {
                out.println("[]");
                err.println("vecprop: " + line);
                err.flush();
            } else {
                out.println(line);
            }
        } else {
            Parity p = kernelOptions.parity();
            List<Parity.Check> checks = p.oddShapes(precisions);
            out.print(format == Values.Format.json ? Json.write(ParityTable.json(checks)) + "\n" : ParityTable.text(p, precisions, checks));
        }
        out.flush();
        return 0;
    }
}
