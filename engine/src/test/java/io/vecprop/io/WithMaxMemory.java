package io.vecprop.io;

import java.util.concurrent.Callable;

/** Runs code with {@link Memory}'s limit forced to a number of bytes, so that its checks fire without allocating. */
public final class WithMaxMemory {

    private WithMaxMemory() {}

    public static <T> T call(long bytes, Callable<T> code) throws Exception {
        System.setProperty("vecprop.maxMemory", Long.toString(bytes));
        try {
            return code.call();
        } finally {
            System.clearProperty("vecprop.maxMemory");
        }
    }
}
