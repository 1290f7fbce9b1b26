package io.vecprop.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestFloat32Twin {

    private final Float32Twin twin = new Float32Twin(Map.of("Network", "NetworkF32", "Kernels", "KernelsF32"));

    /** The twin without its header line. */
    private String body(String source) {
        String out = twin.transform(source, "X.java");
        assertTrue(out.startsWith("// Generated from X.java by vecprop-codegen"), out);
        return out.substring(out.indexOf('\n') + 1);
    }

    @Test
    void typesAndTwinnedClassesAreRenamedAsWholeWords() {
        assertEquals("float[] a; Float.isFinite(x); FloatVector v; IntVector bits; FMatrixRMaj m;",
                body("double[] a; Double.isFinite(x); DoubleVector v; LongVector bits; DMatrixRMaj m;"));
        assertEquals("NetworkF32 n = NetworkF32.of(KernelsF32.scalar()); DenseKernels k; doubleValue(); rnd.nextDouble();",
                body("Network n = Network.of(Kernels.scalar()); DenseKernels k; doubleValue(); rnd.nextDouble();"));
        assertEquals("Float.floatToRawIntBits(r); Float.intBitsToFloat(b);",
                body("Double.doubleToRawLongBits(r); Double.longBitsToDouble(b);"));
        // EJML's double operations by their suffix, imports included
        assertEquals("import org.ejml.dense.row.CommonOps_FDRM;\nCommonOps_FDRM.mult(a, b, c); VectorVectorMult_FDRM.addOuterProd(1.0f, x, y, a); X_DDRMs y;",
                body("import org.ejml.dense.row.CommonOps_DDRM;\nCommonOps_DDRM.mult(a, b, c); VectorVectorMult_DDRM.addOuterProd(1.0, x, y, a); X_DDRMs y;"));
    }

    @Test
    void floatingLiteralsGetTheSuffixInCodeOnly() {
        assertEquals("float y = 1.0f / (1.0f + x) + 2.5e-3f + 1e9f + .5f + 3.f + 0x1.8p52f + 2f + 7.0f;",
                body("double y = 1.0 / (1.0 + x) + 2.5e-3 + 1e9 + .5 + 3. + 0x1.8p52 + 2d + 7.0d;"));
        // integers, longs, hex integers, identifiers with digits and array indices stay
        assertEquals("int i = 10; long b = 1023L; int h = 0x7f; c0a = E11; a[1] = 2;",
                body("int i = 10; long b = 1023L; int h = 0x7f; c0a = E11; a[1] = 2;"));
        assertEquals("x = 1.0f; // one is 1.0 \"2.0\"", body("x = 1.0; // one is 1.0 \"2.0\""));
        // strings: type words renamed, literals kept
        assertEquals("s = \"value 1.0 is a float\" + 2.0f;", body("s = \"value 1.0 is a double\" + 2.0;"));
    }

    @Test
    void doubleOnlyMathIsNarrowed() {
        assertEquals("out[i] = 1.0f / (1.0f + (float) Math.exp(-net[i])) + (float) Math.log(s) + Math.fma(a, b, c) + Math.max(a, b);",
                body("out[i] = 1.0 / (1.0 + Math.exp(-net[i])) + Math.log(s) + Math.fma(a, b, c) + Math.max(a, b);"));
        assertEquals("StrictMath.exp(x);", body("StrictMath.exp(x);"));
    }

    @Test
    void blockCommentsSpanLinesAndKeepTheirLiterals() {
        assertEquals("/** a float of 1.0\n * NetworkF32 2.0 */ float x = 3.0f;",
                body("/** a double of 1.0\n * Network 2.0 */ double x = 3.0;"));
    }

    @Test
    void markersReplaceKeepOrDropALine() {
        assertEquals("    private static final int BIAS = 127;\n",
                body("    private static final long BIAS = 1023; //@f32 private static final int BIAS = 127;\n"));
        assertEquals("    double lossSum = 0.0; // the epoch's sum: Network\n".replace("Network", "NetworkF32"),
                body("    double lossSum = 0.0; // the epoch's sum: Network //@keep\n"));
        assertEquals("a();\nc();", body("a();\n    b(); //@f32\nc();"));
        // the replacement is written as the twin has it: a double class's name stays
        assertEquals("    k = KernelsF32.of(y); d = Kernels.scalar(); x = 1.0;\n",
                body("    k = Kernels.of(y); //@f32 k = KernelsF32.of(y); d = Kernels.scalar(); x = 1.0;\n"));
        // a line of only the marker is a line only the twin has
        assertEquals("a();\n    b(DenseKernels.X, 1.0f);\nc();", body("a();\n    //@f32 b(DenseKernels.X, 1.0f);\nc();"));
    }

    @Test
    void aDoubleOnlyBlockIsReplacedByTheFloatOnlyLinesAfterItsElse() {
        String source = """
                    static final double E2 = 0.5;
                    //@f64 {
                    static final double E11 = -2.5e-08;
                    static final double E10 = 2.7e-07; // Network
                    //@} else {
                    // static final float E6 = 0.0013941108481958508f;
                    //
                    //     static final float E5 = -0.00837512593716383f; // Network, 1.0 and double as written
                    //@}
                    static final double E1 = -1.0;
                """;
        assertEquals("""
                    static final float E2 = 0.5f;
                    static final float E6 = 0.0013941108481958508f;

                        static final float E5 = -0.00837512593716383f; // Network, 1.0 and double as written
                    static final float E1 = -1.0f;
                """, body(source));
        // without an else, the double-only lines are dropped
        assertEquals("a();\nc();\n", body("a();\n  //@f64 {\n  b(1.0);\n  b(2.0); // Network\n  //@}\nc();\n"));
    }

    @Test
    void aFloatOnlyBlockIsTheTwinsAlone() {
        assertEquals("""
                a(1.0f);
                    static DenseKernels scalar64; // the double kernels, not renamed
                    @Test
                    void floatAgainstDouble() {}
                b(1.0f);
                """, body("""
                a(1.0);
                    //@f32 {
                    // static DenseKernels scalar64; // the double kernels, not renamed
                    // @Test
                    // void floatAgainstDouble() {}
                    //@}
                b(1.0);
                """));
    }

    @Test
    void aKeepBlockKeepsItsPrecisionAndTakesLineReplacements() {
        assertEquals("""
                /**
                 * Magnitudes in double, for NetworkF32 too: 1.0
                 */
                static double[] magnitude(float[] a, double alpha) {
                    double[] m = new double[a.length];
                    m[0] = Math.abs(alpha * a[0]) + Math.exp(1.0); // double
                    return m;
                }
                /** float */ float x = 1.0f;
                """, body("""
                //@keep {
                /**
                 * Magnitudes in double, for Network too: 1.0
                 */
                static double[] magnitude(double[] a, double alpha) { //@f32 static double[] magnitude(float[] a, double alpha) {
                    double[] m = new double[a.length];
                    m[0] = Math.abs(alpha * a[0]) + Math.exp(1.0); // double
                    return m;
                }
                //@}
                /** double */ double x = 1.0;
                """));
    }

    @Test
    void blockMarkersInsideABlockCommentAreText() {
        assertEquals("/*\n//@f64 {\nfloat\n*/ float x;", body("/*\n//@f64 {\ndouble\n*/ double x;"));
    }

    @Test
    void misplacedBlockMarkersAreErrorsNamingTheLine() {
        assertError("X.java:2: the block opened here is not closed", "a();\n//@f64 {\nb();\n");
        assertError("X.java:2: //@} closes no block", "a();\n//@}\n");
        assertError("X.java:2: //@keep { inside the block opened at X.java:1", "//@f32 {\n//@keep {\n//@}\n");
        assertError("X.java:3: //@} else { follows the lines of a //@f64 { block only", "//@f32 {\n// a();\n//@} else {\n//@}\n");
        assertError("X.java:2: a line of a float-only block is a line comment", "//@f32 {\n    a();\n//@}\n");
        assertError("X.java:2: a line of a float-only block is a line comment", "//@f32 {\n//@keep\n//@}\n");
        assertError("X.java:2: a marker inside a //@f64 { block", "//@f64 {\nb(); //@keep\n//@}\n");
        assertError("X.java:1: unknown marker '//@f64'", "b(); //@f64\n");
    }

    private void assertError(String start, String source) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> twin.transform(source, "X.java"));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void aMarkerInsideAStringIsText() {
        assertEquals("s = \"//@f32 x\";", body("s = \"//@f32 x\";"));
    }

    @Test
    void unknownMarkersAndTextBlocksAreErrorsNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> twin.transform("a();\nb(); //@f23 c();", "X.java"));
        assertTrue(e.getMessage().startsWith("X.java:2: unknown marker '//@f23 c();'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> twin.transform("s = \"\"\"\n x\"\"\";", "X.java"));
        assertTrue(e.getMessage().startsWith("X.java:1: text blocks"), e.getMessage());
    }

    @Test
    void theAnnotationAndItsImportAreDropped() {
        assertEquals("import a.B;\npublic final class Network {",
                body("import io.vecprop.GenerateF32;\nimport a.B;\n@GenerateF32\npublic final class Network {")
                        .replace("NetworkF32", "Network"));
    }
}
