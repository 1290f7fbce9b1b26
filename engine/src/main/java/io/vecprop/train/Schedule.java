package io.vecprop.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the learning rate changes from epoch to epoch, as {@code --schedule} gives it; with
 * {@code --warmup W} the first W epochs ramp up to it first. The rate of epoch e (from 1), base rate lr:
 * <ul>
 *   <li>warm-up, e ≤ W: {@code lr · e / (W + 1)}, so every warm-up epoch runs below lr and the first one after
 *       at lr; the schedule then counts its epochs s from 0 (s = e − W − 1) over the T = epochs − W left;
 *   <li>{@code constant}: lr;
 *   <li>{@code step:every=E,gamma=G}: {@code lr · G^floor(s / E)}, PyTorch's {@code StepLR(step_size=E, gamma=G)}
 *       (gamma 0.1 unless given);
 *   <li>{@code cosine}: {@code lr · (1 + cos(π · s / T)) / 2}, PyTorch's {@code CosineAnnealingLR(T_max=T)} stepped
 *       per epoch;
 *   <li>{@code plateau:patience=P,factor=F}: lr times F each time the watched loss (the validation loss, else the
 *       training loss) has not improved on its best by PyTorch's relative threshold 1e-4 for more than P epochs in a
 *       row, PyTorch's {@code ReduceLROnPlateau(patience=P, factor=F)} (defaults 10 and 0.1); the rate of the next
 *       epoch is lowered (unless by less than PyTorch's 1e-8), and the count starts again.
 * </ul>
 * A schedule is a value; the run's position in it (plateau's best loss, its count and its reductions)
 * is a {@link Position}.
 *
 * @param every step's E, 0 for the others
 * @param gamma step's G, 0 for the others
 * @param patience plateau's P, 0 for the others
 * @param factor plateau's F, 0 for the others
 */
public record Schedule(Kind kind, int every, double gamma, int patience, double factor) {

    /** The schedules, by their {@code --schedule} names. */
    public enum Kind {
        CONSTANT, STEP, COSINE, PLATEAU;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The learning rate never changes (warm-up apart). */
    public static final Schedule CONSTANT = new Schedule(Kind.CONSTANT, 0, 0, 0, 0);

    /** PyTorch's {@code ReduceLROnPlateau} relative threshold: an improvement is a loss below best · (1 − 1e-4). */
    public static final double PLATEAU_THRESHOLD = 1e-4;
    /** PyTorch's {@code ReduceLROnPlateau} eps: a reduction smaller than this is not made. */
    public static final double PLATEAU_EPS = 1e-8;

    public Schedule {
        if (kind == null) {
            throw new IllegalArgumentException("no schedule kind");
        }
        switch (kind) {
            case STEP -> {
                if (every < 1) {
                    throw new IllegalArgumentException("step's every=" + every + " must be at least 1 epoch");
                }
                if (!(gamma > 0 && gamma <= 1)) {
                    throw new IllegalArgumentException("step's gamma=" + gamma + " must be in (0, 1]");
                }
            }
            case PLATEAU -> {
                if (patience < 0) {
                    throw new IllegalArgumentException("plateau's patience=" + patience + " must be 0 or more epochs");
                }
                if (!(factor > 0 && factor < 1)) {
                    throw new IllegalArgumentException("plateau's factor=" + factor + " must be in (0, 1)");
                }
            }
            default -> {
                if (every != 0 || gamma != 0 || patience != 0 || factor != 0) {
                    throw new IllegalArgumentException(kind.id() + " takes no parameters");
                }
            }
        }
    }

    /** StepLR: the rate times gamma every {@code every} epochs. */
    public static Schedule step(int every, double gamma) {
        return new Schedule(Kind.STEP, every, gamma, 0, 0);
    }

    /** Cosine annealing to 0 over the epochs after the warm-up. */
    public static Schedule cosine() {
        return new Schedule(Kind.COSINE, 0, 0, 0, 0);
    }

    /** ReduceLROnPlateau on the watched loss. */
    public static Schedule plateau(int patience, double factor) {
        return new Schedule(Kind.PLATEAU, 0, 0, patience, factor);
    }

    /**
     * A {@code --schedule} value: {@code constant}, {@code step:every=E[,gamma=G]}, {@code cosine} or
     * {@code plateau[:patience=P][,factor=F]}.
     *
     * @throws IllegalArgumentException naming what was wrong, in one line
     */
    public static Schedule parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String part : s.substring(colon + 1).split(",", -1)) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("schedule '" + text + "': '" + part + "' is not name=value");
                }
                if (params.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("schedule '" + text + "' gives " + part.substring(0, eq) + " twice");
                }
            }
        }
        Kind kind = switch (name) {
            case "constant" -> Kind.CONSTANT;
            case "step" -> Kind.STEP;
            case "cosine" -> Kind.COSINE;
            case "plateau" -> Kind.PLATEAU;
            default -> throw new IllegalArgumentException("unknown schedule '" + name
                    + "': constant, step:every=E,gamma=G, cosine or plateau:patience=P,factor=F");
        };
        try {
            Schedule schedule = switch (kind) {
                case STEP -> {
                    if (!params.containsKey("every")) {
                        throw new IllegalArgumentException("step needs every=E (epochs between reductions), such as step:every=10,gamma=0.5");
                    }
                    yield step(intParam(params, "every", 0), doubleParam(params, "gamma", 0.1));
                }
                case PLATEAU -> plateau(intParam(params, "patience", 10), doubleParam(params, "factor", 0.1));
                default -> new Schedule(kind, 0, 0, 0, 0);
            };
            if (!params.isEmpty()) {
                throw new IllegalArgumentException(name + " takes no " + String.join(", ", params.keySet())
                        + (kind == Kind.STEP ? " (it takes every and gamma)" : kind == Kind.PLATEAU ? " (it takes patience and factor)" : ""));
            }
            return schedule;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule '" + text + "': " + e.getMessage(), e);
        }
    }

    private static int intParam(Map<String, String> params, String key, int fallback) {
        String v = params.remove(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
        }
    }

    private static double doubleParam(Map<String, String> params, String key, double fallback) {
        String v = params.remove(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a finite number");
        }
    }

    /** As {@code --schedule} takes it, every parameter written out: {@code step:every=10,gamma=0.5}. */
    @Override
    public String toString() {
        return switch (kind) {
            case STEP -> "step:every=" + every + ",gamma=" + gamma;
            case PLATEAU -> "plateau:patience=" + patience + ",factor=" + factor;
            default -> kind.id();
        };
    }

    /** A run's place in a schedule, from the first epoch on. */
    public Position start(double learningRate, int warmup, int epochs) {
        return new Position(this, learningRate, warmup, epochs);
    }

    /**
     * Where a run is in its schedule: the rate of each epoch, and what plateau has seen. Plateau's
     * memory ({@link #best}, {@link #badEpochs}, {@link #reductions}) is what a checkpoint keeps
     * besides the epoch.
     */
    public static final class Position {
        private final Schedule schedule;
        private final double base;
        private final int warmup, epochs;
        private double best = Double.POSITIVE_INFINITY;
        private int badEpochs, reductions;

        Position(Schedule schedule, double base, int warmup, int epochs) {
            if (warmup < 0) {
                throw new IllegalArgumentException("warm-up " + warmup + " must be 0 or more epochs");
            }
            if (warmup >= epochs) {
                throw new IllegalArgumentException("warm-up " + warmup + " must be fewer than the " + epochs + " epochs");
            }
            this.schedule = schedule;
            this.base = base;
            this.warmup = warmup;
            this.epochs = epochs;
        }

        /** The learning rate of epoch e, from 1. */
        public double rate(int e) {
            if (e <= warmup) {
                return base * e / (warmup + 1);
            }
            int s = e - warmup - 1;
            return switch (schedule.kind) {
                case CONSTANT -> base;
                case STEP -> base * Math.pow(schedule.gamma, s / schedule.every);
                case COSINE -> base * (1 + Math.cos(Math.PI * s / (epochs - warmup))) / 2;
                case PLATEAU -> base * Math.pow(schedule.factor, reductions);
            };
        }

        /**
         * After epoch e: plateau watches its loss (a NaN loss counts as no improvement); the other
         * schedules ignore it, and so does plateau during the warm-up.
         */
        public void observe(int e, double loss) {
            if (schedule.kind != Kind.PLATEAU || e <= warmup) {
                return;
            }
            if (loss < best * (1 - PLATEAU_THRESHOLD)) {
                best = loss;
                badEpochs = 0;
            } else if (++badEpochs > schedule.patience) {
                // PyTorch skips a reduction smaller than its eps 1e-8, so a rate that small stays
                double now = base * Math.pow(schedule.factor, reductions);
                if (now - now * schedule.factor > PLATEAU_EPS) {
                    reductions++;
                }
                badEpochs = 0;
            }
        }

        /** Plateau's best loss so far (infinite before the first). */
        public double best() {
            return best;
        }

        public int badEpochs() {
            return badEpochs;
        }

        public int reductions() {
            return reductions;
        }

        /** Puts plateau's memory back, as a checkpoint kept it. */
        public void restore(double best, int badEpochs, int reductions) {
            if (badEpochs < 0 || reductions < 0) {
                throw new IllegalArgumentException("a plateau position of " + badEpochs + " bad epochs and " + reductions
                        + " reductions");
            }
            this.best = best;
            this.badEpochs = badEpochs;
            this.reductions = reductions;
        }
    }
}
