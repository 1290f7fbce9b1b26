package io.vecprop.cli;

import io.vecprop.io.Json;
import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Parity;
import io.vecprop.kernels.Precision;
import java.io.PrintWriter;
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
                + "from the scalar ones on the same inputs.",
        footer = {"", "Examples:", "  ./vecprop info", "  ./vecprop info --kernels simd --vector-bits 256 --threads 1",
            "  ./vecprop info --format json", "  ./vecprop info --parity", "  ./vecprop info --parity --precision f32 --format json"})
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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
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
