package io.vecprop.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option converters that reject bad values with a message naming the value, and number formatting.
 * Public where the bench module's commands use them too.
 */
public final class Values {

    private Values() {}

    /** Output formats of the reporting commands. */
    public enum Format { text, json }

    /** A positive, finite double such as a learning rate. */
    public static final class PositiveDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d = parseDouble(value);
            if (!(d > 0) || !Double.isFinite(d)) {
                throw new TypeConversionException("'" + value + "' must be a positive finite number");
            }
            return d;
        }
    }

    /** A finite double of at least zero, such as a target loss. */
    static final class NonNegativeDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d = parseDouble(value);
            if (!(d >= 0) || !Double.isFinite(d)) {
                throw new TypeConversionException("'" + value + "' must be a finite number of at least 0");
            }
            return d;
        }
    }

    /** A whole number of at least 1, such as a step count or a size. */
    /** A count that indexes arrays (batch, epochs, partitions): at least 1, at most 2^31 - 1, never clamped. */
    static final class PositiveInt implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n = new PositiveLong().convert(value);
            if (n > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is more than " + Integer.MAX_VALUE);
            }
            return n;
        }
    }

    /** A file for a PNG image: its name must say so, as the bytes will be PNG whatever the name. */
    static final class PngPath implements ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            if (!value.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
                throw new TypeConversionException("'" + value + "': a PNG image, so its name must end in .png");
            }
            return java.nio.file.Path.of(value);
        }
    }

    public static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new TypeConversionException("'" + value + "' must be at least 1");
            }
            return n;
        }
    }

    /** A fraction in [0, 1), such as a validation share or a momentum. */
    public static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d = parseDouble(value);
            if (!(d >= 0 && d < 1)) {
                throw new TypeConversionException("'" + value + "' must be at least 0 and below 1");
            }
            return d;
        }
    }

    /** An optimizer by its id: sgd, momentum, nesterov, adam or adamw. */
    public static final class OptimizerConverter implements ITypeConverter<io.vecprop.train.OptimizerSpec.Kind> {
        @Override
        public io.vecprop.train.OptimizerSpec.Kind convert(String value) {
            try {
                return io.vecprop.train.OptimizerSpec.Kind.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' must be sgd, momentum, nesterov, adam or adamw");
            }
        }
    }

    /** A learning-rate schedule: constant, step:every=E,gamma=G, cosine or plateau:patience=P,factor=F. */
    public static final class ScheduleConverter implements ITypeConverter<io.vecprop.train.Schedule> {
        @Override
        public io.vecprop.train.Schedule convert(String value) {
            try {
                return io.vecprop.train.Schedule.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A whole number of at least 0, such as warm-up epochs. */
    static final class NonNegativeInt implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.trim().equals("0")) {
                return 0L;
            }
            return new PositiveInt().convert(value);
        }
    }

    /** A loss by its id: half-squared-error, mse, binary-cross-entropy or cross-entropy. */
    public static final class LossConverter implements ITypeConverter<io.vecprop.nn.Loss> {
        @Override
        public io.vecprop.nn.Loss convert(String value) {
            try {
                return io.vecprop.nn.Loss.of(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' must be half-squared-error, mse, binary-cross-entropy"
                        + " or cross-entropy");
            }
        }
    }

    /** One activation of a comma-separated list: sigmoid, tanh, relu, leaky-relu[:SLOPE], gelu, linear, softmax. */
    public static final class ActivationConverter implements ITypeConverter<io.vecprop.kernels.Activation> {
        @Override
        public io.vecprop.kernels.Activation convert(String value) {
            try {
                return io.vecprop.kernels.Activation.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A weight initialisation by its id: auto, pytorch, he, he-uniform, xavier, xavier-normal. */
    public static final class InitConverter implements ITypeConverter<io.vecprop.nn.Init> {
        @Override
        public io.vecprop.nn.Init convert(String value) {
            try {
                return io.vecprop.nn.Init.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A precision by its id: f64 or f32. */
    static final class PrecisionConverter implements ITypeConverter<io.vecprop.kernels.Precision> {
        @Override
        public io.vecprop.kernels.Precision convert(String value) {
            try {
                return io.vecprop.kernels.Precision.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' must be f64 or f32");
            }
        }
    }

    /** An input scaling by its id: none, minmax or standard. */
    static final class ScaleConverter implements ITypeConverter<io.vecprop.data.Scaler.Kind> {
        @Override
        public io.vecprop.data.Scaler.Kind convert(String value) {
            try {
                return io.vecprop.data.Scaler.Kind.of(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' must be none, minmax or standard");
            }
        }
    }

    /** Short figures for progress lines: 4 significant digits, scientific below 1e-3 and from 1e6 on, "inf", "-" for NaN. */
    public static String sig4(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v != 0 && Math.abs(v) < 1e-3) {
            return String.format(java.util.Locale.ROOT, "%.3e", v);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        // from a million on, a mantissa and an exponent (1.2e201), never hundreds of digits
        return Math.abs(v) < 1e6 ? d.toPlainString() : d.toString().replace("E+", "e").replace("E", "e");
    }

    /**
     * Rows of cells as a text table: each column padded to its widest cell, two spaces between
     * columns, trailing spaces cut, one line per row.
     */
    public static String columns(java.util.List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", row[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** A share as a percentage with two decimals, such as 97.25%. */
    public static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * share);
    }

    private static double parseDouble(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
    }

    /**
     * A double to 9 significant digits, as the worked example's text prints them: plain notation
     * between 1e-4 and 1e9, scientific outside, trailing zeros dropped.
     */
    static String sig9(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e9) {
            return new BigDecimal(v).round(new MathContext(9)).stripTrailingZeros().toPlainString();
        }
        // scientific: 1.23456789e-7, trailing zeros of the mantissa dropped (1e-6, not 1.00000000e-06)
        String s = String.format(java.util.Locale.ROOT, "%.8e", v);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e).replaceAll("\\.?0+$", "");
        return mantissa + "e" + Integer.parseInt(s.substring(e + 1));
    }

    /**
     * v to three significant digits, as the progress bar and the training chart show losses: plain
     * from 0.001 to 99999 (0.00123, 0.0412, 1.23, 12.3, whole numbers from 100), scientific outside
     * (1.23e-05, 4.56e+07); "--" for NaN.
     */
    static String sig3(double v) {
        StringBuilder sb = new StringBuilder(12);
        appendSig3(sb, v);
        return sb.toString();
    }

    /** Appends v as {@link #sig3} writes it, allocating nothing (for the progress bar). */
    static void appendSig3(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("--");
            return;
        }
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        if (v == 0 || Double.isInfinite(v)) {
            sb.append(v == 0 ? "0" : "inf");
            return;
        }
        int exp = (int) Math.floor(Math.log10(v));
        long m = Math.round(v * Math.pow(10, 2 - exp)); // 100..1000: the three digits
        if (m >= 1000) {
            m /= 10;
            exp++;
        }
        if (exp >= 2 && exp <= 4) {
            sb.append(Math.round(v));
        } else if (exp >= -3 && exp < 2) {
            long unit = (long) Math.pow(10, 2 - exp);
            sb.append(m / unit).append('.');
            for (long d = unit / 10; d > 0; d /= 10) {
                sb.append((char) ('0' + m / d % 10));
            }
        } else {
            sb.append(m / 100).append('.').append((char) ('0' + m / 10 % 10)).append((char) ('0' + m % 10))
                    .append(exp < 0 ? "e-" : "e+");
            if (Math.abs(exp) < 10) {
                sb.append('0');
            }
            sb.append(Math.abs(exp));
        }
    }
}
