package io.vecprop.bench.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A PNG of scalar against SIMD (and EJML) per kernel and size: one group of horizontal bars per
 * benchmark, size, precision and thread count, each bar the throughput of one kernel choice, scaled
 * to the fastest of its group and labelled with its value and its speedup over scalar.
 */
final class BenchChart {

    private static final Map<String, Color> COLORS = Map.of(
            "scalar", new Color(0x9e9e9e), "ejml", new Color(0xef8a3c), "simd", new Color(0x2f6fb3),
            "poly", new Color(0x2f6fb3), "lanewise", new Color(0x6aa5dd));

    private BenchChart() {}

    /** Writes the chart to file; the caller writes it to a temporary name and renames it. */
    static void write(BenchReport report, String title, Path file) throws IOException {
        Map<String, List<BenchReport.Row>> groups = new LinkedHashMap<>();
        for (BenchReport.Row r : report.rows) {
            if (r.benchmark().startsWith("PeakBench") || Double.isNaN(r.throughput())) {
                continue;
            }
            String key = r.benchmark() + "  " + (r.sizeOrWorkload() == null ? "" : r.sizeOrWorkload()) + "  "
                    + r.precisionId() + "  " + r.threads() + (r.threads() == 1 ? " thread" : " threads");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        // the ceilings, one line per thread count: with both precisions one line would not fit
        String[] ceilings = report.ceilingsLine().split("(?<=;) ");
        int bar = 18, gap = 14, left = 24, labelW = 90, barMax = 560, top = 68 + 14 * ceilings.length;
        int height = top + 30;
        for (List<BenchReport.Row> g : groups.values()) {
            height += 22 + g.size() * (bar + 4) + gap;
        }
        int width = left + labelW + barMax + 260;
        BufferedImage img = new BufferedImage(width, Math.max(height, 160), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, left, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("Throughput per kernel choice, bars scaled to the fastest of each group; (x) is the speedup over scalar in the same precision.",
                    left, 46);
            for (int i = 0; i < ceilings.length; i++) {
                g.drawString(ceilings[i], left, 62 + 14 * i);
            }
            int y = top;
            for (Map.Entry<String, List<BenchReport.Row>> e : groups.entrySet()) {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                g.drawString(e.getKey(), left, y + 14);
                y += 22;
                double max = e.getValue().stream().mapToDouble(BenchReport.Row::throughput).max().orElse(1);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                for (BenchReport.Row r : e.getValue()) {
                    int len = (int) Math.max(2, Math.round(barMax * r.throughput() / max));
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(r.kernels(), left + 8, y + bar - 5);
                    g.setColor(COLORS.getOrDefault(r.kernels(), Color.GRAY));
                    g.fillRect(left + labelW, y, len, bar);
                    g.setColor(Color.BLACK);
                    String label = BenchReport.fmt(r.throughput()) + " " + r.throughputUnit()
                            + (Double.isNaN(r.speedup()) ? "" : String.format(java.util.Locale.ROOT, "  (%.2fx)", r.speedup()));
                    g.drawString(label, left + labelW + len + 8, y + bar - 5);
                    y += bar + 4;
                }
                g.setColor(new Color(0xdddddd));
                g.setStroke(new BasicStroke(1));
                g.drawLine(left, y + gap / 2, width - left, y + gap / 2);
                y += gap;
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }
}
