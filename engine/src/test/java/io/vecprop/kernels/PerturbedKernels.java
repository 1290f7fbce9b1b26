package io.vecprop.kernels;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kernels that compute as the scalar ones do, except that one method changes one value of its
 * output (its last array argument, by the interface's convention) after the call: one ulp away
 * from zero, or by a relative amount. {@link Parity} must report exactly that change.
 */
public final class PerturbedKernels {

    /** Where the change goes: the output's first value or its last (a vector tail's). */
    public enum Where { FIRST, LAST }

    /**
     * A change of one value.
     *
     * @param ulps true for one ulp away from zero (in the output's own precision), false for a
     *     factor of {@code 1 + relative}
     */
    public record Change(String method, Where where, boolean ulps, double relative) {

        public static Change oneUlp(String method, Where where) {
            return new Change(method, where, true, 0);
        }

        public static Change relative(String method, Where where, double relative) {
            return new Change(method, where, false, relative);
        }
    }

    private PerturbedKernels() {}

    /** The scalar double kernels with the change; calls counts every call of the changed method. */
    public static DenseKernels f64(Change change, AtomicInteger calls) {
        return proxy(DenseKernels.class, SimdSupport.scalar(), change, calls);
    }

    /** The scalar float kernels with the change. */
    public static DenseKernelsF32 f32(Change change, AtomicInteger calls) {
        return proxy(DenseKernelsF32.class, SimdSupport.scalarF32(), change, calls);
    }

    private static <T> T proxy(Class<T> type, T base, Change change, AtomicInteger calls) {
        InvocationHandler handler = (self, method, args) -> {
            Object result;
            try {
                result = method.invoke(base, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals(change.method())) {
                calls.incrementAndGet();
                change(lastArray(args), change);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object lastArray(Object[] args) {
        for (int i = args.length - 1; i >= 0; i--) {
            if (args[i] instanceof double[] || args[i] instanceof float[]) {
                return args[i];
            }
        }
        throw new IllegalArgumentException("no array argument");
    }

    private static void change(Object array, Change c) {
        if (array instanceof double[] d) {
            int i = c.where() == Where.FIRST ? 0 : d.length - 1;
            d[i] = c.ulps() ? Math.nextAfter(d[i], Math.copySign(Double.POSITIVE_INFINITY, d[i])) : d[i] * (1 + c.relative());
        } else {
            float[] f = (float[]) array;
            int i = c.where() == Where.FIRST ? 0 : f.length - 1;
            f[i] = c.ulps() ? Math.nextAfter(f[i], Math.copySign(Double.POSITIVE_INFINITY, f[i]))
                    : (float) (f[i] * (1 + c.relative()));
        }
    }
}
