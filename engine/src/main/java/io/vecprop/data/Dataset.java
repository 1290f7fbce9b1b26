package io.vecprop.data;

import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Samples in memory, one per row: inputs (N x in) and targets (N x out), both row-major
 * {@link DMatrixRMaj}. When the targets are one-hot class labels, {@link #classes()} names the
 * classes in target-column order (so column j of a target row is class {@code classes().get(j)});
 * otherwise it is empty and the targets are plain numbers.
 *
 * <p>The matrices are live, not copies: scaling the inputs in place is how a {@code Scaler} applies.
 */
public final class Dataset {

    private final String name;
    private final DMatrixRMaj inputs;
    private final DMatrixRMaj targets;
    private final List<String> classes;

    /**
     * @param name where the samples came from (a file name or {@code synthetic:...}), for messages
     * @param inputs N x in
     * @param targets N x out (N x 0 when the data has no targets, as for {@code predict})
     * @param classes the class names when targets are one-hot (size out), else empty
     */
    public Dataset(String name, DMatrixRMaj inputs, DMatrixRMaj targets, List<String> classes) {
        this.name = Objects.requireNonNull(name, "name");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.classes = List.copyOf(classes);
        if (targets.numRows != inputs.numRows) {
            throw new IllegalArgumentException(name + ": " + inputs.numRows + " input rows but " + targets.numRows
                    + " target rows");
        }
        if (!this.classes.isEmpty() && this.classes.size() != targets.numCols) {
            throw new IllegalArgumentException(name + ": " + this.classes.size() + " class names for "
                    + targets.numCols + " target columns");
        }
    }

    public String name() {
        return name;
    }

    /** Number of samples N. */
    public int size() {
        return inputs.numRows;
    }

    /** Number of input columns. */
    public int inputWidth() {
        return inputs.numCols;
    }

    /** Number of target columns (the number of classes for class targets). */
    public int targetWidth() {
        return targets.numCols;
    }

    /** N x in, live. */
    public DMatrixRMaj inputs() {
        return inputs;
    }

    /** N x out, live. */
    public DMatrixRMaj targets() {
        return targets;
    }

    /** Class names in target-column order, or empty when the targets are not class labels. */
    public List<String> classes() {
        return classes;
    }

    /** Whether the targets are one-hot class labels. */
    public boolean hasClasses() {
        return !classes.isEmpty();
    }

    /** The samples at the given row indices, in that order, copied into a new data set. */
    public Dataset select(String name, int[] rows) {
        DMatrixRMaj x = new DMatrixRMaj(rows.length, inputs.numCols);
        DMatrixRMaj t = new DMatrixRMaj(rows.length, targets.numCols);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(inputs.data, rows[i] * inputs.numCols, x.data, i * x.numCols, x.numCols);
            System.arraycopy(targets.data, rows[i] * targets.numCols, t.data, i * t.numCols, t.numCols);
        }
        return new Dataset(name, x, t, classes);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " samples, " + inputWidth() + " inputs, "
                + (hasClasses() ? classes.size() + " classes" : targetWidth() + " targets") + ")";
    }
}
