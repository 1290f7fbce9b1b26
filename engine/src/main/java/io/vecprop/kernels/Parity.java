package io.vecprop.kernels;

import io.vecprop.kernels.scalar.ScalarDenseKernels;
import io.vecprop.kernels.scalar.ScalarDenseKernelsF32;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How far one implementation's results are from another's on the same inputs: the SIMD kernels
 * against the scalar reference, for {@code vecprop info --parity} and the benchmark report.
 *
 * <p>Each check runs a kernel of both implementations on the same seeded random inputs of one
 * shape (see {@link ParityCheck}; in f32 the same inputs rounded to float) and compares every
 * value the kernel writes, and the sum it returns if it returns one. Two distances, each the
 * largest over those values, with r the reference's value and c the candidate's:
 * <ul>
 *   <li>ulps: {@code |c - r| / Math.ulp(r)}, in the precision's own ulp (a float's for f32): how
 *       many of the reference value's spacings apart they are. This is not the ordered-bits
 *       distance (the count of values between them), though the two agree while c is in r's binade;
 *   <li>relative difference: {@code |c - r| / max(|c|, |r|, MIN_NORMAL)}, with the smallest normal
 *       value of the precision keeping it finite where both are 0 or subnormal.
 * </ul>
 * Equal values are 0 apart (two NaNs too); a NaN against a number is infinitely far.
 *
 * <p>The kernels are named as the benchmarks name them ({@code GemmBench.mult}), and those without
 * a benchmark by their method. A kernel's size n gives the benchmark's shape, so a report row's
 * parity is checked on the operands of its size. Results are cached per kernel, precision and shape.
 */
public final class Parity {

    /** The odd sizes {@code info --parity} checks: one value, vector tails, the 256-deep GEMM block's edge. */
    public static final List<Integer> ODD_SIZES = List.of(1, 7, 17, 33, 127, 257);
    /** Rows of a batch, as in DeltaBench and UpdateBench. */
    public static final int BATCH = 128;
    /**
     * The most multiply-adds a report checks at a row's own size. Measured here (2026-12-03, both
     * implementations, compiled): 2^27, DeltaBench.hiddenDelta and UpdateBench.rankK at 1024, about
     * 0.1 s per precision; 2^30, GemmBench at 1024, 0.45 s (mult) to 1.5 s (forward); 2^31,
     * UpdateBench.rankK at 4096, 0.9 to 1.4 s. Larger rows are checked at {@link #STAND_IN_SIZE}.
     */
    public static final long MAX_WORK = 1L << 27;
    /** The size that stands in for a row too large to check: odd, and past the GEMM's 256-deep block. */
    public static final int STAND_IN_SIZE = 257;

    /** How a kernel's benchmark turns its size n into operands. */
    public enum Form {
        /** n values. */
        VALUES,
        /** {@value Parity#BATCH} rows of n values. */
        ROWS,
        /** An n x n W. */
        SQUARE,
        /** An n x n W updated over {@value Parity#BATCH} rows: m = n, k = 128. */
        SQUARE_OVER_BATCH,
        /** {@value Parity#BATCH} rows through an n x n W: m = 128, k = n. */
        BATCH_THROUGH_SQUARE,
        /** n x n x n. */
        CUBE
    }

    /** Every kernel of {@link DenseKernels}, named as its benchmark names it. */
    public enum Kernel {
        SIGMOID("SigmoidBench.sigmoid", Form.VALUES, "sigmoid"),
        OUTPUT_DELTA("DeltaBench.outputDelta", Form.ROWS, "outputDelta"),
        HIDDEN_DELTA("DeltaBench.hiddenDelta", Form.BATCH_THROUGH_SQUARE, "hiddenDelta"),
        OUTER_PRODUCT("UpdateBench.outerProduct", Form.SQUARE, "addOuterProd"),
        ONLINE_BACKWARD("UpdateBench.onlineBackward", Form.SQUARE, "onlineBackward"),
        UPDATE_RANK_K("UpdateBench.rankK", Form.SQUARE_OVER_BATCH, "multAddTransA"),
        FORWARD("GemmBench.forward", Form.CUBE, "multTransBAddBias"),
        MULT("GemmBench.mult", Form.CUBE, "mult"),
        RANK_K("GemmBench.rankK", Form.CUBE, "multAddTransA"),
        MUL_SIGMOID_DERIV("mulSigmoidDeriv", Form.VALUES, "mulSigmoidDeriv"),
        ADD_COLUMN_SUMS("addColumnSums", Form.ROWS, "addColumnSums"),
        AXPY("axpy", Form.VALUES, "axpy"),
        SCALE("scale", Form.VALUES, "scale"),
        MUL_ELEMENTS("mulElements", Form.ROWS, "mulElements"),
        ADAM("adam", Form.VALUES, "adam"),
        DROPOUT_MASK("dropoutMask", Form.ROWS, "dropoutMask"),
        SOFTMAX("softmax", Form.ROWS, "softmax"),
        SOFTMAX_CROSS_ENTROPY("softmaxCrossEntropy", Form.ROWS, "softmaxCrossEntropy"),
        TANH("activate(tanh)", Form.VALUES, "activate", Activation.TANH),
        RELU("activate(relu)", Form.VALUES, "activate", Activation.RELU),
        LEAKY_RELU("activate(leaky-relu)", Form.VALUES, "activate", Activation.LEAKY_RELU),
        GELU("activate(gelu)", Form.VALUES, "activate", Activation.GELU),
        TANH_DERIV("mulActivationDeriv(tanh)", Form.VALUES, "mulActivationDeriv", Activation.TANH),
        RELU_DERIV("mulActivationDeriv(relu)", Form.VALUES, "mulActivationDeriv", Activation.RELU),
        LEAKY_RELU_DERIV("mulActivationDeriv(leaky-relu)", Form.VALUES, "mulActivationDeriv", Activation.LEAKY_RELU),
        GELU_DERIV("mulActivationDeriv(gelu)", Form.VALUES, "mulActivationDeriv", Activation.GELU),
        SQUARED_ERROR_DELTA("squaredErrorDelta(tanh)", Form.ROWS, "squaredErrorDelta", Activation.TANH),
        BINARY_CROSS_ENTROPY("sigmoidBinaryCrossEntropy", Form.ROWS, "sigmoidBinaryCrossEntropy");

        private final String id;
        private final Form form;
        private final String method;
        private final Activation activation;

        Kernel(String id, Form form, String method) {
            this(id, form, method, null);
        }

        Kernel(String id, Form form, String method, Activation activation) {
            this.id = id;
            this.form = form;
            this.method = method;
            this.activation = activation;
        }

        /** The activation the kernel runs with, for the activation kernels; null for the others. */
        public Activation activation() {
            return activation;
        }

        /** The benchmark's name, such as {@code GemmBench.mult}, or the method's for a kernel without one. */
        public String id() {
            return id;
        }

        public Form form() {
            return form;
        }

        /** The {@link DenseKernels} method it runs. */
        public String method() {
            return method;
        }

        /** The kernel a benchmark name (such as {@code GemmBench.mult}) names, or null. */
        public static Kernel of(String id) {
            for (Kernel k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            return null;
        }

        /** The operands its benchmark gives size n, labelled n. */
        public Shape atSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("size " + n + " must be at least 1");
            }
            String label = Integer.toString(n);
            return switch (form) {
                case VALUES -> new Shape(1, n, 1, label);
                case ROWS -> new Shape(BATCH, n, 1, label);
                case SQUARE -> new Shape(n, n, 1, label);
                case SQUARE_OVER_BATCH -> new Shape(n, n, BATCH, label);
                case BATCH_THROUGH_SQUARE -> new Shape(BATCH, n, n, label);
                case CUBE -> new Shape(n, n, n, label);
            };
        }

        /**
         * The shapes {@code info --parity} checks: {@link #ODD_SIZES}, and for a matrix kernel a
         * shape of three different odd sides (37 x 41 x 53: no side a multiple of a tile) and a
         * batch of one (1 x 127 x 257: the matrix-vector paths), both given as m x n (x k).
         */
        public List<Shape> oddShapes() {
            List<Shape> shapes = new ArrayList<>();
            for (int n : ODD_SIZES) {
                shapes.add(atSize(n));
            }
            switch (form) {
                case VALUES -> { }
                case ROWS, SQUARE -> {
                    shapes.add(new Shape(37, 41, 1, "37x41"));
                    shapes.add(new Shape(1, 127, 1, "1x127"));
                }
                default -> {
                    shapes.add(new Shape(37, 41, 53, "37x41x53"));
                    shapes.add(new Shape(1, 127, 257, "1x127x257"));
                }
            }
            return shapes;
        }
    }

    /**
     * The operands of one check: m, n and k as the kernel's {@link DenseKernels} method takes them
     * (1 where it takes fewer), and the label reports show, a benchmark size or {@code m x n x k}.
     */
    public record Shape(int m, int n, int k, String label) {

        public Shape {
            if (m < 1 || n < 1 || k < 1) {
                throw new IllegalArgumentException("shape " + m + "x" + n + "x" + k + " must have every side at least 1");
            }
            Objects.requireNonNull(label, "label");
        }

        /** Multiply-adds (or values) of the kernel on these operands: m · n · k. */
        public long work() {
            return (long) m * n * k;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The largest distances over the values compared so far (see the class comment). */
    public static final class Distance {
        private double maxUlps;
        private double maxRel;

        /** Compares one double of the candidate with the reference's. */
        public void add(double reference, double candidate) {
            add(reference, candidate, Math.ulp(reference), Double.MIN_NORMAL);
        }

        /** Compares one float of the candidate with the reference's, in float ulps. */
        public void add(float reference, float candidate) {
            add(reference, candidate, Math.ulp(reference), Float.MIN_NORMAL);
        }

        private void add(double reference, double candidate, double ulp, double tiny) {
            if (reference == candidate || (Double.isNaN(reference) && Double.isNaN(candidate))) {
                return;
            }
            double diff = Math.abs(candidate - reference); // exact for two floats, and for close doubles
            double ulps = diff / ulp;
            double rel = diff / Math.max(Math.max(Math.abs(reference), Math.abs(candidate)), tiny);
            // a NaN against a number, or an infinity against a finite value: infinitely far
            maxUlps = Math.max(maxUlps, Double.isNaN(ulps) ? Double.POSITIVE_INFINITY : ulps);
            maxRel = Math.max(maxRel, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
        }

        /** Folds another distance into this one. */
        void add(Distance other) {
            maxUlps = Math.max(maxUlps, other.maxUlps);
            maxRel = Math.max(maxRel, other.maxRel);
        }

        public double maxUlps() {
            return maxUlps;
        }

        public double maxRel() {
            return maxRel;
        }
    }

    /**
     * One kernel's distance in one precision over some shapes.
     *
     * @param sigmoid the candidate's sigmoid variant ({@code poly}, {@code lanewise}) for the
     *     sigmoid, null for the other kernels
     * @param precision {@code f64} or {@code f32}
     */
    public record Check(Kernel kernel, String sigmoid, String precision, List<Shape> shapes, double maxUlps,
            double maxRel) {

        /** The kernel's name, and for the sigmoid its variant: {@code SigmoidBench.sigmoid (poly)}. */
        public String name() {
            return sigmoid == null ? kernel.id() : kernel.id() + " (" + sigmoid + ")";
        }
    }

    public static final String F64 = "f64";
    public static final String F32 = "f32";

    private final DenseKernels reference;
    private final DenseKernels candidate;
    private final DenseKernelsF32 referenceF32;
    private final DenseKernelsF32 candidateF32;
    /** The candidate's sigmoid, in each precision, and its variant's name. */
    private final ParityCheck.Sigmoid sigmoid;
    private final ParityCheckF32.Sigmoid sigmoidF32;
    private final String sigmoidName;
    /** Distances by kernel, precision and shape. */
    private final Map<String, Distance> cache = new HashMap<>();

    private Parity(DenseKernels reference, DenseKernels candidate, DenseKernelsF32 referenceF32,
            DenseKernelsF32 candidateF32, ParityCheck.Sigmoid sigmoid, ParityCheckF32.Sigmoid sigmoidF32,
            String sigmoidName) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.candidate = Objects.requireNonNull(candidate, "candidate");
        this.referenceF32 = Objects.requireNonNull(referenceF32, "referenceF32");
        this.candidateF32 = Objects.requireNonNull(candidateF32, "candidateF32");
        this.sigmoid = sigmoid;
        this.sigmoidF32 = sigmoidF32;
        this.sigmoidName = sigmoidName;
    }

    /** The candidate kernels against the reference kernels, in both precisions. */
    public static Parity of(DenseKernels reference, DenseKernels candidate, DenseKernelsF32 referenceF32,
            DenseKernelsF32 candidateF32) {
        return new Parity(reference, candidate, referenceF32, candidateF32, candidate::sigmoid, candidateF32::sigmoid,
                candidate.info().sigmoid());
    }

    /**
     * The SIMD kernels on a pool of the given size against the scalar ones.
     *
     * @throws IllegalStateException when SIMD cannot run here, saying why
     */
    public static Parity simd(int threads) {
        KernelSelection simd = KernelProvider.select(KernelProvider.Choice.SIMD, threads);
        return of(ScalarDenseKernels.INSTANCE, simd.f64().impl(), ScalarDenseKernelsF32.INSTANCE, simd.f32().impl());
    }

    /**
     * The same comparison with the SIMD sigmoid variant {@code poly} or {@code lanewise} as the
     * candidate's sigmoid, called as SigmoidBench calls it (every row in vectors, however short),
     * whichever variant this JVM's SIMD kernels run.
     *
     * @throws IllegalStateException when SIMD cannot run here
     */
    public Parity withSimdSigmoid(String variant) {
        if (!variant.equals("poly") && !variant.equals("lanewise")) {
            throw new IllegalArgumentException("sigmoid '" + variant + "' must be poly or lanewise");
        }
        String why = KernelProvider.simdUnavailableReason();
        if (why != null) {
            throw new IllegalStateException("SIMD kernels cannot run: " + why);
        }
        return new Parity(reference, candidate, referenceF32, candidateF32, ParityCheck.simdSigmoid(variant),
                ParityCheckF32.simdSigmoid(variant), variant);
    }

    /** What the candidate is in a precision: vector width, lanes, threads, sigmoid. */
    public KernelInfo candidateInfo(String precision) {
        return isF32(precision) ? candidateF32.info() : candidate.info();
    }

    /**
     * The shape a report checks for a benchmark row of size n: the benchmark's own, or, above
     * {@link #MAX_WORK} multiply-adds, the one at {@link #STAND_IN_SIZE} (its label says which).
     */
    public static Shape reportShape(Kernel kernel, int n) {
        Shape own = kernel.atSize(n);
        return own.work() <= MAX_WORK ? own : kernel.atSize(STAND_IN_SIZE);
    }

    /** Every kernel over its {@link Kernel#oddShapes}, in each of the precisions, in kernel order. */
    public List<Check> oddShapes(List<String> precisions) {
        List<Check> checks = new ArrayList<>();
        for (Kernel kernel : Kernel.values()) {
            for (String precision : precisions) {
                checks.add(check(kernel, precision, kernel.oddShapes()));
            }
        }
        return checks;
    }

    /** The kernel's largest distances over the shapes, in the precision ({@code f64} or {@code f32}). */
    public Check check(Kernel kernel, String precision, List<Shape> shapes) {
        Distance d = new Distance();
        for (Shape s : shapes) {
            d.add(distance(kernel, precision, s));
        }
        return new Check(kernel, kernel == Kernel.SIGMOID ? sigmoidName : null, precision, List.copyOf(shapes),
                d.maxUlps(), d.maxRel());
    }

    private Distance distance(Kernel kernel, String precision, Shape s) {
        String key = kernel + " " + precision + " " + s.m() + "x" + s.n() + "x" + s.k();
        Distance d = cache.get(key);
        if (d == null) {
            d = new Distance();
            if (isF32(precision)) {
                ParityCheckF32.run(kernel, s, referenceF32, candidateF32, sigmoidF32, d);
            } else {
                ParityCheck.run(kernel, s, reference, candidate, sigmoid, d);
            }
            cache.put(key, d);
        }
        return d;
    }

    private static boolean isF32(String precision) {
        return switch (precision) {
            case F64 -> false;
            case F32 -> true;
            default -> throw new IllegalArgumentException("precision '" + precision + "' must be f64 or f32");
        };
    }
}
