package io.vecprop.cli;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Subcommands another module adds to {@code vecprop}: the engine holds no benchmark code, and the
 * {@code vecprop-bench} module provides {@code bench} and {@code profile}. Implementations are found
 * on the class path with {@link ServiceLoader}, registered in
 * {@code META-INF/services/io.vecprop.cli.CommandProvider}; a provider needs a public no-argument
 * constructor.
 */
public interface CommandProvider {

    /**
     * The commands, each a picocli command object (an instance of a class annotated
     * {@code @Command}, with its name), added as subcommands of {@code vecprop} in this order.
     */
    List<Object> commands();
}
