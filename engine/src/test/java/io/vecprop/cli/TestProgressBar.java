package io.vecprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The training progress bar, driven by a fake clock. */
class TestProgressBar {

    private static final long MS = 1_000_000L;

    private final StringWriter text = new StringWriter();
    private final long[] now = {0};

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(text), terminal, () -> now[0]);
    }

    /** The lines drawn so far: what follows each '\r', trailing padding removed. */
    private List<String> drawn() {
        String s = text.toString();
        return List.of(s.substring(s.indexOf('\r') + 1).split("\r")).stream().map(String::stripTrailing).toList();
    }

    private int draws() {
        return (int) text.toString().chars().filter(c -> c == '\r').count();
    }

    @Test
    void redrawsAtMostEvery100msAndAlwaysOnTheLastBatch() {
        ProgressBar p = bar(true);
        p.epochStarted(1, 2, 10);
        assertEquals(1, draws(), "the empty bar is drawn at once");
        for (int b = 1; b <= 5; b++) {
            now[0] = b * 19 * MS; // 19..95 ms
            p.batchDone(b, b * 32L, 0.5);
        }
        assertEquals(1, draws(), "nothing within 100 ms of the last drawing");
        now[0] = 100 * MS;
        p.batchDone(6, 6 * 32L, 0.5);
        assertEquals(2, draws());
        now[0] = 150 * MS;
        p.batchDone(7, 7 * 32L, 0.5);
        p.batchDone(8, 8 * 32L, 0.5);
        p.batchDone(9, 9 * 32L, 0.5);
        assertEquals(2, draws());
        p.batchDone(10, 10 * 32L, 0.25);
        assertEquals(3, draws(), "the last batch is always drawn");
        assertTrue(drawn().getLast().contains("10/10 "), drawn().getLast());
        assertTrue(drawn().getLast().contains("ETA 0:00"), drawn().getLast());
    }

    @Test
    void showsBatchesSamplesPerSecondLossAndTimeLeft() {
        ProgressBar p = bar(true);
        p.epochStarted(3, 10, 469);
        now[0] = 2000 * MS;
        p.batchDone(212, 36_680, 0.041234);
        // 36,680 samples in 2 s; 257 batches left at 106 batches/s: 2.42 s
        String bar = "[" + "=".repeat(12) + ">" + " ".repeat(17) + "]";
        assertEquals("epoch 3/10 " + bar + " 212/469  18,340 samples/s  loss 0.0412  ETA 0:02", drawn().getLast());
        assertTrue(drawn().getLast().length() <= 100);
    }

    @Test
    void beforeAnyTimeHasPassedShowsNoRateNorNaN() {
        ProgressBar p = bar(true);
        p.epochStarted(1, 1, 2);
        assertEquals("epoch 1/1 [" + " ".repeat(30) + "] 0/2  -- samples/s  loss --  ETA --:--", drawn().getLast());
        p.batchDone(2, 64, 1.5e-5); // last batch, at the same instant
        String line = drawn().getLast();
        assertEquals("epoch 1/1 [" + "=".repeat(30) + "] 2/2  -- samples/s  loss 1.50e-05  ETA 0:00", line);
        assertFalse(line.contains("NaN") || line.contains("Infinity"), line);
    }

    @Test
    void longEtasInHoursAndHugeNumbersStillFit100Columns() {
        ProgressBar p = bar(true);
        p.epochStarted(1, 3, 1_000_000);
        now[0] = 10_000 * MS;
        p.batchDone(1, 64, 2.0);
        // 999,999 batches left at 0.1 batches/s: 9,999,990 s
        assertTrue(drawn().getLast().endsWith("ETA 2777:46:30"), drawn().getLast());

        p.epochStarted(1000, 1000, 10_000_000);
        now[0] += 100 * MS;
        p.batchDone(9_999_999, 9_876_543, 1.23e-300);
        String line = drawn().getLast();
        assertTrue(line.length() <= 99, line.length() + ": " + line);
        assertTrue(line.contains(" 9999999/10000000  98,765,430 samples/s  loss 1.23e-300  ETA 0:00"), line);

        // absurd sizes: the bar shrinks, then the line is cut rather than wrapped
        p.epochStarted(12_345, 99_999, 2_000_000_000);
        now[0] += 10 * MS;
        p.batchDone(1_999_999_999, 4_000_000_000_000L, -1.23e300);
        assertTrue(drawn().getLast().length() <= 99, drawn().getLast());
    }

    @Test
    void aShorterLineCoversTheLongerOneBeforeIt() {
        ProgressBar p = bar(true);
        p.epochStarted(1, 1, 100);
        now[0] = 1000 * MS;
        p.batchDone(50, 1_000_000, 0.123);
        int before = text.toString().length();
        now[0] = 1100 * MS;
        p.batchDone(51, 1_000_001, 0.123); // a shorter rate: 909,092 samples/s
        String last = text.toString().substring(before);
        String previous = text.toString().substring(text.toString().lastIndexOf('\r', before - 1), before);
        assertTrue(last.length() >= previous.length(), "padded to cover: '" + last + "'");
    }

    @Test
    void epochDoneClearsTheBarThenPrintsTheLine() {
        ProgressBar p = bar(true);
        p.epochStarted(1, 2, 4);
        now[0] = 300 * MS;
        p.batchDone(4, 128, 0.3);
        int shown = drawn().getLast().length();
        p.epochDone("epoch 1/2  loss 0.3");
        String s = text.toString();
        String expectedEnd = "\r" + " ".repeat(shown) + "\r" + "epoch 1/2  loss 0.3" + System.lineSeparator();
        assertTrue(s.endsWith(expectedEnd), s);
        // the next epoch's bar starts on the fresh line
        p.epochStarted(2, 2, 4);
        assertTrue(text.toString().substring(s.length()).startsWith("\repoch 2/2 ["));
    }

    @Test
    void plainModePrintsOnlyTheEpochLines() {
        ProgressBar p = bar(false);
        for (int e = 1; e <= 2; e++) {
            p.epochStarted(e, 2, 50);
            for (int b = 1; b <= 50; b++) {
                now[0] += 50 * MS;
                p.batchDone(b, b * 10L, 0.1);
            }
            p.epochDone("epoch " + e + "/2 done");
        }
        String nl = System.lineSeparator();
        assertEquals("epoch 1/2 done" + nl + "epoch 2/2 done" + nl, text.toString());
    }

    @ParameterizedTest
    @CsvSource({"0.041234, 0.0412", "1.5e-5, 1.50e-05", "1.2345, 1.23", "12.345, 12.3", "123.4, 123",
        "12345.6, 12346", "0.001, 0.00100", "0.000999, 9.99e-04", "9.996, 10.0", "99.96, 100", "0, 0",
        "2.5e7, 2.50e+07", "-0.5, -0.500", "NaN, --", "Infinity, inf"})
    void lossToThreeSignificantDigits(double v, String expected) {
        assertEquals(expected, Values.sig3(v));
    }

    @ParameterizedTest
    @CsvSource({"0, 0:00", "7.4, 0:07", "59.6, 1:00", "3599, 59:59", "3723, 1:02:03", "36000, 10:00:00",
        "1e12, >9999h", "Infinity, >9999h"})
    void durations(double seconds, String expected) {
        StringBuilder sb = new StringBuilder();
        ProgressBar.appendDuration(sb, seconds);
        assertEquals(expected, sb.toString());
    }

    @Test
    void batchesBetweenRedrawsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ProgressBar p = bar(true);
        int batches = 1_000_000;
        p.epochStarted(1, 1, batches);
        for (int b = 1; b <= 20_000; b++) { // warm up, with a redraw now and then
            now[0] += MS / 10;
            p.batchDone(b, b * 64L, 0.5);
        }
        now[0] += 200 * MS;
        p.batchDone(20_001, 20_001 * 64L, 0.5); // a redraw: the next 90 ms are quiet
        int drawsBefore = draws();
        for (int i = 0; i < 3; i++) { // the counter's own first calls may allocate
            threads.getCurrentThreadAllocatedBytes();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int b = 20_002; b < 20_002 + 90_000; b++) {
            now[0] += 1_000; // 1 us per batch: 90 ms in all
            p.batchDone(b, b * 64L, 0.5);
        }
        long after = threads.getCurrentThreadAllocatedBytes();
        assertEquals(drawsBefore, draws(), "no redraw within the measured calls");
        // one allocation per call would be well over a megabyte; the slack covers the JVM's own bookkeeping
        assertTrue(after - before < 4096, (after - before) + " bytes allocated by 90,000 calls");
    }
}
