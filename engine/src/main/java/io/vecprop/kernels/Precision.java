package io.vecprop.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * The floating-point type a network computes in. {@link #F64} (double, the default) carries the
 * worked example's nine digits; {@link #F32} (float) has twice the lanes per vector and half the
 * memory traffic, as PyTorch trains by default. Each has its own classes, the float ones generated
 * from the double ones: {@link Network} and {@code NetworkF32}, {@code Kernels} and
 * {@code KernelsF32}, and so on.
 */
public enum Precision {
    F64("f64", "F64", Double.BYTES),
    F32("f32", "F32", Float.BYTES);

    private final String id;
    private final String dtype;
    private final int bytes;

    Precision(String id, String dtype, int bytes) {
        this.id = id;
        this.dtype = dtype;
        this.bytes = bytes;
    }

    /** The name on the command line and in reports: {@code f64} or {@code f32}. */
    public String id() {
        return id;
    }

    /** The safetensors dtype of this precision's tensors: {@code F64} or {@code F32}. */
    public String dtype() {
        return dtype;
    }

    /** Bytes per value. */
    public int bytes() {
        return bytes;
    }

    /** The precision named id ({@code f64} or {@code f32}, in any case). */
    public static Precision of(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.id.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + id + "' must be one of "
                + Arrays.stream(values()).map(Precision::id).toList());
    }

    /** The precision of a safetensors dtype, {@code F64} or {@code F32}. */
    public static Precision ofDtype(String dtype) {
        for (Precision p : values()) {
            if (p.dtype.equals(dtype)) {
                return p;
            }
        }
        throw new IllegalArgumentException("dtype " + dtype + " has no precision here (only F64 and F32)");
    }

    @Override
    public String toString() {
        return id;
    }
}
