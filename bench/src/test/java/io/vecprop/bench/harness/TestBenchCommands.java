package io.vecprop.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.cli.ModuleCommands;
import io.vecprop.cli.TestMain;
import org.junit.jupiter.api.Test;

/** The engine's command line finds this module's bench and profile (ServiceLoader), in the stand-ins' place. */
class TestBenchCommands {

    @Test
    void helpListsThemAsWithoutTheModuleAndTheirOwnHelpIsTheRealOne() {
        TestMain.Run help = TestMain.run("--help");
        assertEquals(0, help.code());
        String flat = help.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("info Show the kernels") && flat.contains(" profile " + ModuleCommands.PROFILE_HEADER
                + " bench " + ModuleCommands.BENCH_HEADER + " help "), help.out());
        for (String[] command : new String[][] {{"bench", "--sweep"}, {"profile", "--workload"}}) {
            TestMain.Run r = TestMain.run(command[0], "--help");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains(command[1]), r.out());
            assertFalse(r.out().contains("vecprop-bench module"), r.out());
        }
    }
}
