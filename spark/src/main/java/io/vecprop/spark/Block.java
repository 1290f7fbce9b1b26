package io.vecprop.spark;

import io.vecprop.data.Dataset;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * One partition's share of the training set: rows {@code firstRow .. firstRow+rows} of it, inputs
 * and targets row-major. Sent to the executors once per run, as a broadcast; each step's task
 * reads the rows of its batch from it.
 */
final class Block implements Serializable {

    private static final long serialVersionUID = 1L;

    final int firstRow;
    final int rows;
    private final int inputWidth;
    private final int targetWidth;
    private final double[] inputs;
    private final double[] targets;
    /** The rows as a data set, made on first use where the block is read. */
    private transient volatile Dataset dataset;

    private Block(int firstRow, int rows, int inputWidth, int targetWidth, double[] inputs, double[] targets) {
        this.firstRow = firstRow;
        this.rows = rows;
        this.inputWidth = inputWidth;
        this.targetWidth = targetWidth;
        this.inputs = inputs;
        this.targets = targets;
    }

    /** Rows from .. to of data, copied. */
    static Block of(Dataset data, int from, int to) {
        int in = data.inputWidth(), out = data.targetWidth();
        return new Block(from, to - from, in, out,
                Arrays.copyOfRange(data.inputs().data, from * in, to * in),
                Arrays.copyOfRange(data.targets().data, from * out, to * out));
    }

    /** Whether training row r (an index into the whole set) is in this block. */
    boolean holds(int r) {
        return r >= firstRow && r < firstRow + rows;
    }

    /** The block's rows as a data set whose row 0 is training row firstRow; wraps the arrays, copies nothing. */
    Dataset dataset() {
        Dataset d = dataset;
        if (d == null) {
            d = new Dataset("rows " + firstRow + ".." + (firstRow + rows - 1),
                    DMatrixRMaj.wrap(rows, inputWidth, inputs), DMatrixRMaj.wrap(rows, targetWidth, targets), List.of());
            dataset = d;
        }
        return d;
    }
}
