package io.vecprop.io;

import io.vecprop.data.Memory;
import java.io.IOException;

/**
 * A data or model file that cannot be read as what it claims to be. The message names the file,
 * where in it (line, column or byte offset) and what was expected there, so the command line
 * can print it as is.
 */
public final class DataFormatException extends IOException {

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For a reader: throws "SUBJECT needs SIZE for WHAT; this JVM may use ..." unless bytes fit in the heap ({@link Memory}). */
    static void requireMemory(long bytes, String subject, String what) throws DataFormatException {
        Memory.require(bytes, () -> subject + " needs " + Memory.size(bytes) + " for " + what, DataFormatException::new);
    }
}
