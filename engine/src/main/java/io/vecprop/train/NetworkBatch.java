package io.vecprop.train;

import io.vecprop.GenerateF32;
import io.vecprop.data.Dataset;
import io.vecprop.nn.GradientSum;
import io.vecprop.nn.Network;
import org.ejml.data.DMatrixRMaj;

/** {@link BatchBuffers} for a double {@link Network}; its float twin is generated from this file. */
@GenerateF32
public final class NetworkBatch implements BatchBuffers {

    private final Network network;
    private final int capacity;
    /** The batch: x (N x inputs) and target (N x outputs), the text's inputs and targets. */
    private final DMatrixRMaj x;
    private final DMatrixRMaj target;
    /** The output layer's out of the last pass, live in the network's workspace. */
    private DMatrixRMaj out;

    NetworkBatch(Network network, int capacity) {
        this.network = network;
        this.capacity = capacity;
        this.x = new DMatrixRMaj(capacity, network.inputs());
        this.target = new DMatrixRMaj(capacity, network.outputs());
    }

    @Override
    public void gather(Dataset data, int[] order, int from, int rows) {
        shape(rows);
        double[] in = data.inputs().data, tg = data.targets().data; //@keep
        int wi = x.numCols, wt = target.numCols;
        for (int r = 0; r < rows; r++) {
            int row = order == null ? from + r : order[from + r];
            copy(in, row * wi, x.data, r * wi, wi);
            copy(tg, row * wt, target.data, r * wt, wt);
        }
    }

    @Override
    public void gatherInputs(Dataset data, int from, int rows) {
        shape(rows);
        copy(data.inputs().data, from * x.numCols, x.data, 0, rows * x.numCols);
    }

    private void shape(int rows) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("batch of " + rows + " rows outside 1.." + capacity);
        }
        x.reshape(rows, x.numCols);
        target.reshape(rows, target.numCols);
    }

    /** n values of the data set's doubles into a buffer: copied here, rounded to float in the twin. */
    private static void copy(double[] src, int from, double[] dst, int to, int n) { //@f32 private static void copy(double[] src, int from, float[] dst, int to, int n) {
        System.arraycopy(src, from, dst, to, n); //@f32 for (int j = 0; j < n; j++) { dst[to + j] = (float) src[from + j]; }
    }

    @Override
    public void reserve() {
        network.reserveWorkspace(capacity);
    }

    @Override
    public double trainStep(Optimizer optimizer, double learningRate) { //@keep
        double loss = optimizer.step(network, x, target, learningRate); //@f32 float loss = optimizer.step(network, x, target, (float) learningRate);
        out = lastOut();
        return loss;
    }

    @Override
    public GradientSum gradientSum() {
        double lossSum = network.gradientSum(x, target); //@keep
        out = lastOut();
        double[] values = new double[network.parameterCount()];
        network.copyGradients(values);
        return GradientSum.of(values, lossSum, correct(), x.numRows);
    }

    @Override
    public double loss() { //@keep
        double loss = network.loss(x, target);
        out = lastOut();
        return loss;
    }

    @Override
    public void forward() {
        out = network.forward(x);
    }

    private DMatrixRMaj lastOut() {
        return network.workspace().out(network.layerCount() - 1);
    }

    @Override
    public int correct() {
        int hits = 0;
        int n = out.numCols;
        for (int r = 0; r < out.numRows; r++) {
            if (argmax(out.data, r * n, n) == argmax(target.data, r * n, n)) {
                hits++;
            }
        }
        return hits;
    }

    @Override
    public int predictedClass(int r) {
        return argmax(out.data, r * out.numCols, out.numCols);
    }

    @Override
    public String output(int r, int j) {
        return Double.toString(out.data[r * out.numCols + j]);
    }

    @Override
    public String layerOutput(int l, int r, int j) {
        DMatrixRMaj o = network.workspace().out(l);
        return Double.toString(o.data[r * o.numCols + j]);
    }

    @Override
    public double value(int r, int j) { //@keep
        return out.data[r * out.numCols + j];
    }

    /** Index of the largest of a[from .. from+n), the first on ties. */
    public static int argmax(double[] a, int from, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (a[from + j] > a[from + best]) {
                best = j;
            }
        }
        return best;
    }
}
