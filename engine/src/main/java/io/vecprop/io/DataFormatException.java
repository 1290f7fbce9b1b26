package io.vecprop.io;

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
}
