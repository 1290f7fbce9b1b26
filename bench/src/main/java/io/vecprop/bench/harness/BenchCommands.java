package io.vecprop.bench.harness;

import io.vecprop.cli.CommandProvider;
import java.util.List;

/**
 * What the bench module adds to {@code vecprop}: {@code profile} and {@code bench}, registered in
 * {@code META-INF/services/io.vecprop.cli.CommandProvider} (the launcher runs those two commands
 * with bench/target/benchmarks.jar, which holds the engine too, on the class path).
 */
public final class BenchCommands implements CommandProvider {

    @Override
    public List<Object> commands() {
        return List.of(new ProfileCommand(), new BenchCommand());
    }
}
