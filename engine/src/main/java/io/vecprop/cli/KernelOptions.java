package io.vecprop.cli;

import io.vecprop.kernels.KernelInfo;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.KernelProvider;
import io.vecprop.kernels.Kernels;
import io.vecprop.kernels.Parity;
import io.vecprop.kernels.Precision;
import java.io.PrintWriter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The kernel flags every computing command takes: --precision, --kernels, --vector-bits, --threads, --sigmoid.
 * Public for the bench module's commands, which mix them in too.
 */
public final class KernelOptions {

    @Option(names = "--precision", paramLabel = "f64|f32", converter = Values.PrecisionConverter.class,
            description = "Compute in f64 (double, the default) or f32 (float: twice the lanes, half the memory traffic). "
                    + "A loaded model computes in its file's precision unless this asks for the other.")
    Precision precision;

    @Option(names = "--kernels", paramLabel = "auto|scalar|simd", converter = ChoiceConverter.class,
            description = "Kernels: auto (SIMD when the Vector API can run fast, else scalar), scalar or simd "
                    + "(default: -Dvecprop.kernels, else auto).")
    KernelProvider.Choice choice;

    @Option(names = "--vector-bits", paramLabel = "128|256|512", converter = BitsConverter.class,
            description = "Force the SIMD vector width (default: the CPU's preferred width).")
    Integer vectorBits;

    @Option(names = "--threads", paramLabel = "N", converter = ThreadsConverter.class,
            description = "Threads the SIMD products and updates are split across (default: the available "
                    + "processors). Results are identical for every count.")
    Integer threads;

    @Option(names = "--sigmoid", paramLabel = "poly|lanewise", converter = SigmoidConverter.class,
            description = "SIMD sigmoid: poly (hand-written exp, default) or lanewise (lanewise(EXP)).")
    String sigmoid;

    /** Threads to use: the flag, else the available processors. */
    int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The precision asked for, else otherwise (f64 for a new network, the file's for a loaded model). */
    public Precision precision(Precision otherwise) {
        return precision != null ? precision : otherwise;
    }

    /**
     * The double kernels these flags ask for. Sets the SIMD class's properties before it loads; when
     * auto falls back to scalar, prints the reason as one line on err.
     */
    Kernels kernels(PrintWriter err) {
        return selection(err).f64();
    }

    /** The kernels these flags ask for in both precisions, as {@link #kernels}; the fallback line is printed once. */
    public KernelSelection selection(PrintWriter err) {
        setSimdProperties();
        KernelProvider.Choice c = choice != null ? choice : KernelProvider.choiceFromProperty();
        KernelSelection selection = KernelProvider.select(c, threads());
        if (selection.fallbackReason() != null) {
            err.println("vecprop: " + selection.fallbackReason());
            err.flush();
        }
        checkVectorBits(selection.f64().info());
        return selection;
    }

    /**
     * The SIMD kernels these flags ask for (width, sigmoid, threads) against the scalar ones, for
     * {@code info --parity}; fails, saying why, when SIMD cannot run.
     */
    Parity parity() {
        setSimdProperties();
        Parity parity = Parity.simd(threads());
        checkVectorBits(parity.candidateInfo(Parity.F64));
        return parity;
    }

    /** Hands --vector-bits and --sigmoid to the SIMD class, which reads them when it loads. */
    private void setSimdProperties() {
        if (vectorBits != null) {
            System.setProperty("vecprop.vectorBits", Integer.toString(vectorBits));
        }
        if (sigmoid != null) {
            System.setProperty("vecprop.sigmoid", sigmoid);
        }
    }

    private void checkVectorBits(KernelInfo info) {
        if (vectorBits != null && info.vectorBits() != 0 && info.vectorBits() != vectorBits) {
            throw new IllegalStateException("--vector-bits " + vectorBits + " came too late: the SIMD kernels already run at "
                    + info.vectorBits() + " bits in this JVM");
        }
    }

    static final class ChoiceConverter implements ITypeConverter<KernelProvider.Choice> {
        @Override
        public KernelProvider.Choice convert(String value) {
            try {
                return KernelProvider.Choice.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' must be auto, scalar or simd");
            }
        }
    }

    static final class BitsConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return switch (value.trim()) {
                case "128" -> 128;
                case "256" -> 256;
                case "512" -> 512;
                default -> throw new TypeConversionException("'" + value + "' must be 128, 256 or 512");
            };
        }
    }

    public static final class ThreadsConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1 || n > 1024) {
                throw new TypeConversionException("'" + value + "' must be between 1 and 1024");
            }
            return n;
        }
    }

    static final class SigmoidConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!v.equals("poly") && !v.equals("lanewise")) {
                throw new TypeConversionException("'" + value + "' must be poly or lanewise");
            }
            return v;
        }
    }
}
