package io.vecprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine runs, scalar, on a JVM started without {@code --add-modules jdk.incubator.vector}:
 * nothing outside the SIMD package links the Vector API, and auto says why it fell back.
 */
class TestScalarFallback {

    /** Run in a child JVM without the module: picks kernels with auto and trains the worked example. */
    public static final class Child {
        public static void main(String[] args) {
            KernelSelection s = KernelProvider.select(KernelProvider.Choice.AUTO, 2);
            io.vecprop.nn.Network net = io.vecprop.example.WorkedExample.network(s.f64());
            io.vecprop.train.Trainer.Result r = io.vecprop.train.Trainer.train(net,
                    io.vecprop.example.WorkedExample.input(), io.vecprop.example.WorkedExample.target(),
                    new io.vecprop.train.Trainer.Options(0.5, true, 1e-6, 1_000_000), io.vecprop.train.Trainer.Listener.NONE);
            String simd;
            try {
                KernelProvider.select(KernelProvider.Choice.SIMD, 1);
                simd = "loaded";
            } catch (IllegalStateException e) {
                simd = e.getMessage();
            }
            java.io.StringWriter parity = new java.io.StringWriter();
            java.io.StringWriter parityJson = new java.io.StringWriter();
            java.io.StringWriter parityErr = new java.io.StringWriter();
            int code = io.vecprop.cli.Main.run(new String[] {"info", "--parity"}, new java.io.PrintWriter(parity),
                    new java.io.PrintWriter(parityErr));
            code += io.vecprop.cli.Main.run(new String[] {"info", "--parity", "--format", "json"},
                    new java.io.PrintWriter(parityJson), new java.io.PrintWriter(parityErr));
            System.out.println("parity=" + code + " " + parity.toString().strip());
            System.out.println("parityJson=" + parityJson.toString().strip());
            System.out.println("kernels=" + s.f64().info().name());
            System.out.println("reason=" + s.fallbackReason());
            System.out.println("reached=" + r.reachedTarget());
            System.out.println("simd=" + simd);
        }
    }

    @Test
    void runsScalarWithoutTheVectorModule() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Child.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("kernels=scalar"), out);
        assertTrue(lines.contains("reached=true"), out);
        assertTrue(out.contains("reason=using scalar kernels: jdk.incubator.vector is not readable"), out);
        assertTrue(out.contains("simd=SIMD kernels cannot run: jdk.incubator.vector is not readable"), out);
        // info --parity says so in one sentence instead of a table, and JSON gets an empty list
        assertTrue(lines.contains("parity=0 No parity to show: the SIMD kernels cannot run here (jdk.incubator.vector is "
                + "not readable (start java with --add-modules jdk.incubator.vector)), so there is nothing to compare the "
                + "scalar kernels with."), out);
        assertTrue(lines.contains("parityJson=[]"), out);
        assertTrue(!out.contains("Exception"), out);
    }

    @Test
    void autoTakesSimdHereUnlessTheModuleIsMissing() {
        KernelSelection s = KernelProvider.select(KernelProvider.Choice.AUTO, 1);
        if (KernelProvider.simdUnavailableReason() == null) {
            assertEquals("simd", s.f64().info().name());
            assertEquals("simd", s.f32().info().name());
            assertEquals(null, s.fallbackReason());
        } else {
            assertEquals("scalar", s.f64().info().name());
            assertEquals("scalar", s.f32().info().name());
        }
        KernelSelection f32 = KernelProvider.select(KernelProvider.Choice.SCALAR, 4, Precision.F32);
        assertEquals("scalar", f32.f32().info().name());
        IllegalStateException only = assertThrows(IllegalStateException.class, f32::f64);
        assertEquals("these kernels were selected for f32 only", only.getMessage());
        assertThrows(IllegalStateException.class, () -> KernelProvider.select(KernelProvider.Choice.SCALAR, 4, Precision.F64).f32());
    }
}
