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
        assertEquals("x = KernelsF32.of(y);\n", body("x = Kernels.of(y); //@f32 x = Kernels.of(y);\n"));
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
