package io.vecprop.train;

import java.util.ArrayList;
import java.util.List;

/**
 * How a classifier did per class, from its confusion matrix: precision, recall, F1 and support per
 * class, and their macro averages (unweighted means over the classes), as scikit-learn's
 * {@code classification_report} computes them (a class never predicted has precision 0, one never
 * present recall 0, and F1 0 when both are 0).
 *
 * @param names the classes, in target-column order
 * @param confusion {@code confusion[actual][predicted]}: how many rows of class actual had their largest output at predicted
 */
public record ClassReport(List<String> names, long[][] confusion) {

    /** One class's figures. */
    public record PerClass(String name, double precision, double recall, double f1, long support) {}

    public ClassReport {
        names = List.copyOf(names);
        if (confusion.length != names.size()) {
            throw new IllegalArgumentException(confusion.length + " rows of confusion for " + names.size() + " classes");
        }
    }

    /** Every class's precision, recall, F1 and support, in order. */
    public List<PerClass> perClass() {
        int k = names.size();
        List<PerClass> out = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            long hit = confusion[c][c], actual = 0, predicted = 0;
            for (int j = 0; j < k; j++) {
                actual += confusion[c][j];
                predicted += confusion[j][c];
            }
            double precision = predicted == 0 ? 0 : (double) hit / predicted;
            double recall = actual == 0 ? 0 : (double) hit / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            out.add(new PerClass(names.get(c), precision, recall, f1, actual));
        }
        return out;
    }

    /** The unweighted means over the classes of precision, recall and F1, as a PerClass named "macro avg". */
    public PerClass macro() {
        List<PerClass> all = perClass();
        double p = 0, r = 0, f = 0;
        long support = 0;
        for (PerClass c : all) {
            p += c.precision();
            r += c.recall();
            f += c.f1();
            support += c.support();
        }
        int k = all.size();
        return new PerClass("macro avg", p / k, r / k, f / k, support);
    }
}
