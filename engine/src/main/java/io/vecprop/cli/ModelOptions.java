package io.vecprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What eval and predict share besides the data: the model file, the seed of synthetic data, the pass size. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The model (safetensors), as train --model-out saved it.")
    Path model;

    @Option(names = "--seed", defaultValue = "1", converter = Values.PositiveLong.class, paramLabel = "S",
            description = "Seeds synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "256", converter = Values.PositiveInt.class, paramLabel = "B",
            description = "Samples per forward pass (default: ${DEFAULT-VALUE}); changes only speed and memory.")
    long batch;

    /** The pass size as an int. */
    int batchRows() {
        return Math.toIntExact(batch); // Values.PositiveInt bounds --batch
    }
}
