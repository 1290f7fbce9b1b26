package io.vecprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Reads a JFR recording with the JDK's own consumer API and ranks methods by execution samples. */
final class JfrHotMethods {

    private JfrHotMethods() {}

    /** The top methods (the frame on top of each sampled stack), as text lines with shares. */
    static String report(Path file, int top) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        int samples = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                RecordedFrame f = frames.get(0);
                String method = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                counts.merge(method, 1, Integer::sum);
                samples++;
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "hottest methods in %s (%d samples at 1 ms%s):%n", file, samples,
                samples < 50 ? "; a longer run gives a steadier picture" : ""));
        int total = samples;
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(en -> sb.append(String.format(Locale.ROOT, "  %5.1f%%  %6d  %s%n",
                        100.0 * en.getValue() / total, en.getValue(), en.getKey())));
        return sb.toString();
    }
}
