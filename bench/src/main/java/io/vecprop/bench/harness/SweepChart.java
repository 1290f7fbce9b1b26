package io.vecprop.bench.harness;

import io.vecprop.kernels.Precision;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The sweep's PNG: per precision two heat maps, width (rows) by batch (columns), of SIMD over
 * scalar and of 1 thread over 2. Blue cells pay (≥ {@link SweepReport#PAYS}x), darker the more;
 * red cells do not, darker the slower; each cell is labelled with its ratio. The crossovers are
 * written above the maps.
 */
final class SweepChart {

    static final Color PAYS_LIGHT = new Color(0xd6e4f3), PAYS_DARK = new Color(0x1f5fa8);
    static final Color LOSES_LIGHT = new Color(0xf6d8cc), LOSES_DARK = new Color(0xb8322a);
    private static final Color MISSING = new Color(0xf2f2f2);
    private static final int LEFT = 24, LABEL_W = 56, CELL_W = 78, CELL_H = 26, GAP = 40, WIDTH_MIN = 900;

    private SweepChart() {}

    /** Writes the chart to file; the caller writes it to a temporary name and renames it. */
    static void write(SweepReport report, String title, Path file) throws IOException {
        List<Integer> widths = report.widths(), batches = report.batches();
        int panelW = LABEL_W + CELL_W * batches.size();
        int width = Math.max(WIDTH_MIN, 2 * LEFT + 2 * panelW + GAP);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        List<String> notes = new ArrayList<>();
        Graphics2D pg = probe.createGraphics();
        try {
            FontMetrics fm = pg.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (String line : notes(report)) {
                notes.addAll(wrap(line, fm, width - 2 * LEFT));
            }
        } finally {
            pg.dispose();
        }
        int top = 44 + 15 * notes.size() + 10;
        int panelH = 24 + 18 + CELL_H * widths.size() + 18;
        int height = top + panelH * report.precisions().size() + 10;
        BufferedImage img = new BufferedImage(width, Math.max(height, 160), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i < notes.size(); i++) {
                g.drawString(notes.get(i), LEFT, 46 + 15 * i);
            }
            int y = top;
            for (Precision p : report.precisions()) {
                heatMap(g, report, p, "speedup of SIMD over scalar (1 thread)", SweepReport.Cell::simdSpeedup, LEFT, y);
                heatMap(g, report, p, threadsTitle(report, p), SweepReport.Cell::threadSpeedup, LEFT + panelW + GAP, y);
                y += panelH;
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static List<String> notes(SweepReport report) {
        List<String> notes = new ArrayList<>();
        notes.add("One training step of a width-width-width network per cell: blue pays (≥ " + SweepReport.PAYS
                + "x), red does not; rows are widths, columns batches (1 is the online step).");
        for (Precision p : report.precisions()) {
            notes.addAll(report.summary(p));
        }
        return notes;
    }

    private static String threadsTitle(SweepReport report, Precision p) {
        int threads = report.cells(p).stream().mapToInt(SweepReport.Cell::threads).max().orElse(2);
        return "speedup of " + (threads > 1 ? threads : 2) + " threads over 1 (SIMD, every call split)";
    }

    private static void heatMap(Graphics2D g, SweepReport report, Precision p, String what,
            ToDoubleFunction<SweepReport.Cell> ratio, int x0, int y0) {
        List<Integer> widths = report.widths(), batches = report.batches();
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(p.id() + ": " + what, x0, y0 + 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int gridTop = y0 + 24 + 18;
        g.drawString("width \\ batch", x0, gridTop - 5);
        for (int j = 0; j < batches.size(); j++) {
            centred(g, Integer.toString(batches.get(j)), x0 + LABEL_W + j * CELL_W, CELL_W, gridTop - 5);
        }
        for (int i = 0; i < widths.size(); i++) {
            int y = gridTop + i * CELL_H;
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(widths.get(i)), x0 + 4, y + CELL_H - 9);
            for (int j = 0; j < batches.size(); j++) {
                SweepReport.Cell c = report.cell(p, widths.get(i), batches.get(j));
                double r = c == null ? Double.NaN : ratio.applyAsDouble(c);
                int x = x0 + LABEL_W + j * CELL_W;
                Color fill = colour(r);
                g.setColor(fill);
                g.fillRect(x, y, CELL_W - 2, CELL_H - 2);
                g.setColor(luminance(fill) < 0.5 ? Color.WHITE : Color.BLACK);
                centred(g, SweepReport.ratio(r), x, CELL_W - 2, y + CELL_H - 9);
            }
        }
    }

    /**
     * The fill of a ratio: shades of blue from {@link SweepReport#PAYS} (light) to 8x and more
     * (dark), of red from just below it to 8x slower; grey when not measured.
     */
    static Color colour(double ratio) {
        if (!Double.isFinite(ratio) || ratio <= 0) {
            return MISSING;
        }
        double t = Math.min(1, Math.abs(Math.log(ratio)) / Math.log(8));
        return ratio >= SweepReport.PAYS ? mix(PAYS_LIGHT, PAYS_DARK, t) : mix(LOSES_LIGHT, LOSES_DARK, t);
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }

    private static void centred(Graphics2D g, String s, int x, int w, int baseline) {
        g.drawString(s, x + (w - g.getFontMetrics().stringWidth(s)) / 2, baseline);
    }

    /** The line cut at spaces into pieces no wider than width. */
    private static List<String> wrap(String line, FontMetrics fm, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : line.split(" ")) {
            String next = cur.isEmpty() ? word : cur + " " + word;
            if (fm.stringWidth(next) > width && !cur.isEmpty()) {
                out.add(cur.toString());
                cur = new StringBuilder("    " + word);
            } else {
                cur = new StringBuilder(next);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
