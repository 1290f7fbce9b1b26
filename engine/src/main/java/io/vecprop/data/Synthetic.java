package io.vecprop.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Seeded synthetic data sets for demos and benchmarks: the same spec and seed always give the same
 * data, bit for bit. On the command line they are named {@code synthetic:NAME} or
 * {@code synthetic:NAME:key=value,key=value}:
 *
 * <ul>
 *   <li>{@code xor} (copies=1): the four XOR points, a numeric target;
 *   <li>{@code spirals} (n=1000, noise=0.05): two interleaved spirals, 2 classes;
 *   <li>{@code blobs} (n=2000, features=64, classes=10, spread=1.0, draw=0): Gaussian clusters
 *       around centres that come from the seed; {@code draw=1, 2, ...} gives fresh points around
 *       the same centres, a test set for a model trained on draw 0;
 *   <li>{@code regression} (n=2000, features=8, noise=0.1, draw=0): inputs uniform in [-2, 2] and
 *       one numeric target {@code y = 3 + Σ_f c_f · sin(1.5 · x_f) + 0.5 · x_0 · x_1 + noise · N(0, 1)},
 *       the c_f N(0, 1) from the seed: a smooth function no linear model fits, plus noise (so the
 *       best R² is below 1), its values well outside [0, 1].
 * </ul>
 */
public final class Synthetic {

    /** The most samples a synthetic data set may have. */
    public static final int MAX_SAMPLES = 10_000_000;

    /** The largest Java array, which bounds samples x columns. */
    private static final long MAX_ARRAY = Memory.MAX_ARRAY;

    /** How far the spirals wind, in radians, and the radius they start at. */
    private static final double SPIRAL_ANGLE = 3 * Math.PI;
    private static final double SPIRAL_R0 = 0.1;

    private Synthetic() {}

    /**
     * Generates the data set a spec names. The data set's name is {@code "synthetic:" + spec}.
     *
     * @param spec what follows {@code synthetic:} on the command line: NAME or NAME:key=value,...
     * @throws IllegalArgumentException for an unknown name or key or a bad value, naming it and
     *     listing what is accepted
     */
    public static Dataset generate(String spec, long seed) {
        Objects.requireNonNull(spec, "spec");
        String name = "synthetic:" + spec;
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        try {
            check(List.of("xor", "spirals", "blobs", "regression").contains(kind), "unknown data set '" + kind
                    + "' (known: xor, spirals, blobs, regression)");
            Params p = new Params(colon < 0 ? null : spec.substring(colon + 1));
            return switch (kind) {
                case "xor" -> {
                    p.accept("copies");
                    yield xor(name, p.integer("copies", 1));
                }
                case "spirals" -> {
                    p.accept("n", "noise");
                    yield spirals(name, p.integer("n", 1000), p.real("noise", 0.05), seed);
                }
                case "blobs" -> {
                    p.accept("n", "features", "classes", "spread", "draw");
                    yield blobs(name, p.integer("n", 2000), p.integer("features", 64), p.integer("classes", 10),
                            p.real("spread", 1.0), seed, p.integer("draw", 0));
                }
                case "regression" -> {
                    p.accept("n", "features", "noise", "draw");
                    yield regression(name, p.integer("n", 2000), p.integer("features", 8), p.real("noise", 0.1), seed,
                            p.integer("draw", 0));
                }
                default -> throw new AssertionError(kind);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The four XOR points (0,0)&rarr;0, (0,1)&rarr;1, (1,0)&rarr;1, (1,1)&rarr;0: 2 inputs, 1 numeric
     * target column (not classes), repeated {@code copies} times.
     */
    public static Dataset xor(int copies) {
        return xor(copies == 1 ? "synthetic:xor" : "synthetic:xor:copies=" + copies, copies);
    }

    private static Dataset xor(String name, int copies) {
        check(copies >= 1 && copies <= MAX_SAMPLES / 4, "copies=" + copies + " must be from 1 to " + MAX_SAMPLES / 4);
        DMatrixRMaj x = new DMatrixRMaj(4 * copies, 2);
        DMatrixRMaj t = new DMatrixRMaj(4 * copies, 1);
        for (int i = 0; i < 4 * copies; i++) {
            int a = (i >> 1) & 1;
            int b = i & 1;
            x.set(i, 0, a);
            x.set(i, 1, b);
            t.set(i, 0, a ^ b);
        }
        return new Dataset(name, x, t, List.of());
    }

    /**
     * Two interleaved spirals in the plane: n points, sample i of class i % 2 (so half per class,
     * the classes alternating), one-hot targets, class names "0" and "1". Along each spiral the
     * radius grows linearly from 0.1 to 1 while the angle turns 1.5 times; class 1 is class 0 turned
     * by half a turn. Gaussian noise of the given std is added to each coordinate.
     */
    public static Dataset spirals(int n, double noise, long seed) {
        return spirals("synthetic:spirals:n=" + n + ",noise=" + noise, n, noise, seed);
    }

    private static Dataset spirals(String name, int n, double noise, long seed) {
        check(n >= 2 && n <= MAX_SAMPLES, "n=" + n + " must be from 2 (one per class) to " + MAX_SAMPLES);
        checkScale("noise", noise);
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj x = new DMatrixRMaj(n, 2);
        DMatrixRMaj t = new DMatrixRMaj(n, 2);
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            int perClass = (n + 1 - c) / 2;
            double along = (i / 2 + 0.5) / perClass; // in (0, 1)
            double r = SPIRAL_R0 + (1 - SPIRAL_R0) * along;
            double angle = SPIRAL_ANGLE * along + c * Math.PI;
            x.set(i, 0, r * Math.cos(angle) + noise * rnd.nextGaussian());
            x.set(i, 1, r * Math.sin(angle) + noise * rnd.nextGaussian());
            t.set(i, c, 1);
        }
        return new Dataset(name, x, t, classNames(2));
    }

    /**
     * n points in {@code features} dimensions around {@code classes} Gaussian centres: each centre
     * coordinate is N(0,1) from the seed and each point is its centre plus {@code spread} * N(0,1)
     * per coordinate. Sample i has class i % classes (so the classes are as equal as possible),
     * then the rows are shuffled from the seed. One-hot targets, class names "0".."classes-1".
     */
    public static Dataset blobs(int n, int features, int classes, double spread, long seed) {
        return blobs(n, features, classes, spread, seed, 0);
    }

    /**
     * As {@link #blobs(int, int, int, double, long)}, with the same centres (they come from the
     * seed alone) but the points of another draw: {@code draw} 0 is the set above, 1, 2, ... are
     * fresh samples of the same distribution, for a test set that the training set does not contain.
     */
    public static Dataset blobs(int n, int features, int classes, double spread, long seed, int draw) {
        return blobs("synthetic:blobs:n=" + n + ",features=" + features + ",classes=" + classes + ",spread=" + spread
                + (draw == 0 ? "" : ",draw=" + draw), n, features, classes, spread, seed, draw);
    }

    private static Dataset blobs(String name, int n, int features, int classes, double spread, long seed, int draw) {
        check(draw >= 0, "draw=" + draw + " must be at least 0");
        check(classes >= 2, "classes=" + classes + " must be at least 2");
        check(n >= classes && n <= MAX_SAMPLES, "n=" + n + " must be from classes=" + classes + " to " + MAX_SAMPLES);
        check(features >= 1, "features=" + features + " must be at least 1");
        check((long) n * features <= MAX_ARRAY, "n=" + n + " x features=" + features + " values are too many");
        check((long) n * classes <= MAX_ARRAY, "n=" + n + " x classes=" + classes + " targets are too many");
        checkScale("spread", spread);
        long bytes = (long) n * (features + classes) * Double.BYTES;
        Memory.require(bytes, () -> "needs " + Memory.size(bytes) + " for the samples", IllegalArgumentException::new);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] centres = new double[classes * features];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = rnd.nextGaussian();
        }
        if (draw > 0) {
            // the points of another draw: a stream of their own, the centres unchanged
            rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * draw));
        }
        int[] row = new int[n]; // sample i goes to row[i]: a shuffle
        for (int i = 0; i < n; i++) {
            row[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int swap = row[i];
            row[i] = row[j];
            row[j] = swap;
        }
        DMatrixRMaj x = new DMatrixRMaj(n, features);
        DMatrixRMaj t = new DMatrixRMaj(n, classes);
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            for (int f = 0; f < features; f++) {
                x.data[row[i] * features + f] = centres[c * features + f] + spread * rnd.nextGaussian();
            }
            t.set(row[i], c, 1);
        }
        return new Dataset(name, x, t, classNames(classes));
    }

    /** See the class comment; {@code draw} as for blobs: the same function (c_f), fresh points. */
    public static Dataset regression(String name, int n, int features, double noise, long seed, int draw) {
        check(draw >= 0, "draw=" + draw + " must be at least 0");
        check(n >= 1 && n <= MAX_SAMPLES, "n=" + n + " must be from 1 to " + MAX_SAMPLES);
        check(features >= 1, "features=" + features + " must be at least 1");
        check((long) n * features <= MAX_ARRAY, "n=" + n + " x features=" + features + " values are too many");
        checkScale("noise", noise);
        long bytes = (long) n * (features + 1) * Double.BYTES;
        Memory.require(bytes, () -> "needs " + Memory.size(bytes) + " for the samples", IllegalArgumentException::new);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] c = new double[features];
        for (int f = 0; f < features; f++) {
            c[f] = rnd.nextGaussian();
        }
        if (draw > 0) {
            rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * draw));
        }
        DMatrixRMaj x = new DMatrixRMaj(n, features);
        DMatrixRMaj t = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            double y = 3;
            for (int f = 0; f < features; f++) {
                double v = rnd.nextDouble(-2, 2);
                x.data[i * features + f] = v;
                y += c[f] * Math.sin(1.5 * v);
            }
            y += 0.5 * x.data[i * features] * x.data[i * features + (features > 1 ? 1 : 0)];
            t.data[i] = y + noise * rnd.nextGaussian();
        }
        return new Dataset(name, x, t, List.of());
    }

    private static List<String> classNames(int k) {
        List<String> names = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void checkScale(String key, double value) {
        check(Double.isFinite(value) && value >= 0, key + "=" + value + " must be a finite number >= 0");
    }

    /** The key=value parameters of a spec, each read at most once. */
    private static final class Params {

        private final Map<String, String> values = new LinkedHashMap<>();

        /** @param text what follows "NAME:", or null when there is no colon */
        Params(String text) {
            if (text == null) {
                return;
            }
            for (String part : text.split(",", -1)) {
                int eq = part.indexOf('=');
                check(eq > 0, "expected key=value, found '" + part + "'");
                String key = part.substring(0, eq);
                check(values.put(key, part.substring(eq + 1)) == null, "key '" + key + "' given twice");
            }
        }

        /** Rejects any key not in the list. */
        void accept(String... keys) {
            List<String> known = List.of(keys);
            for (String key : values.keySet()) {
                check(known.contains(key), "unknown key '" + key + "' (accepted: " + String.join(", ", known) + ")");
            }
        }

        int integer(String key, int otherwise) {
            String v = values.get(key);
            if (v == null) {
                return otherwise;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
            }
        }

        double real(String key, double otherwise) {
            String v = values.get(key);
            if (v == null) {
                return otherwise;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + v + " is not a number");
            }
        }
    }
}
