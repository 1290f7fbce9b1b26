package io.vecprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vecprop.data.Dataset;
import io.vecprop.data.Synthetic;
import io.vecprop.kernels.KernelSelection;
import io.vecprop.kernels.Precision;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.nn.Loss;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-class precision, recall and F1 against figures worked out by hand, and the confusion the evaluation counts. */
class TestClassReport {

    @Test
    void figuresAsScikitLearnComputesThem() {
        // true a: 3 rows, 2 predicted a, 1 b; true b: 2 rows, both b; true c: 1 row, predicted a; c never predicted
        ClassReport r = new ClassReport(List.of("a", "b", "c"), new long[][] {{2, 1, 0}, {0, 2, 0}, {1, 0, 0}});
        List<ClassReport.PerClass> p = r.perClass();
        // a: precision 2/3, recall 2/3, F1 2/3; b: precision 2/3, recall 1, F1 0.8; c: 0, 0, 0
        assertEquals(2.0 / 3, p.get(0).precision(), 1e-15);
        assertEquals(2.0 / 3, p.get(0).recall(), 1e-15);
        assertEquals(2.0 / 3, p.get(0).f1(), 1e-15);
        assertEquals(2.0 / 3, p.get(1).precision(), 1e-15);
        assertEquals(1.0, p.get(1).recall(), 0.0);
        assertEquals(0.8, p.get(1).f1(), 1e-15);
        assertEquals(new ClassReport.PerClass("c", 0, 0, 0, 1), p.get(2));
        assertEquals(List.of(3L, 2L, 1L), p.stream().map(ClassReport.PerClass::support).toList());
        ClassReport.PerClass macro = r.macro();
        assertEquals((2.0 / 3 + 2.0 / 3) / 3, macro.precision(), 1e-15);
        assertEquals((2.0 / 3 + 1) / 3, macro.recall(), 1e-15);
        assertEquals((2.0 / 3 + 0.8) / 3, macro.f1(), 1e-15);
        assertEquals(6, macro.support());
        assertThrows(IllegalArgumentException.class, () -> new ClassReport(List.of("a"), new long[2][2]));
    }

    @Test
    void theEvaluationCountsEveryRowOnceAndItsDiagonalIsTheAccuracy() {
        Dataset data = Synthetic.generate("blobs:n=301,features=5,classes=4", 3);
        DenseNetwork net = DenseNetwork.random(Precision.F32, KernelSelection.scalar(), Loss.CROSS_ENTROPY, 2, 5, 7, 4);
        long[][] confusion = new long[4][4];
        MiniBatchTrainer.Evaluation e = MiniBatchTrainer.evaluate(net, data, 64, confusion);
        long total = 0, diagonal = 0;
        for (int a = 0; a < 4; a++) {
            long row = 0;
            for (int p = 0; p < 4; p++) {
                row += confusion[a][p];
            }
            // each true class's row holds as many rows as the data has of that class
            long present = 0;
            for (int i = 0; i < data.size(); i++) {
                present += data.targets().get(i, a) == 1 ? 1 : 0;
            }
            assertEquals(present, row, "class " + a);
            total += row;
            diagonal += confusion[a][a];
        }
        assertEquals(301, total);
        assertEquals(e.accuracy(), (double) diagonal / 301, 0.0);
        assertThrows(IllegalArgumentException.class, () -> MiniBatchTrainer.evaluate(net, data, 64, new long[3][3]));
    }
}
