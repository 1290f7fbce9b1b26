package io.vecprop.bench.harness;

import io.vecprop.kernels.Precision;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The sweep's PNG, drawn by JFreeChart: per precision two heat maps, width (rows) by batch
 * (columns), of SIMD over scalar and of 2 threads over 1. Blue cells pay (≥ {@link SweepReport#PAYS}x),
 * darker the more; red cells do not, darker the slower; each cell is labelled with its ratio. The
 * crossovers are written above the maps.
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
        int columns = batches.size();
        // one subplot per precision, in columns: the widths, the SIMD map, the widths, the threads map and
        // half a column more for its title to run into; in rows: the maps' titles (-2), the batches (-1),
        // then a row per width
        NumberAxis x = new NumberAxis();
        x.setRange(-0.5, 2 * columns + 2);
        x.setVisible(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(CELL_H);
        for (Precision p : report.precisions()) {
            NumberAxis y = new NumberAxis();
            y.setRange(-2.5, widths.size() - 0.5);
            y.setInverted(true);
            y.setVisible(false);
            XYPlot maps = new XYPlot(null, null, y, null);
            maps.setBackgroundPaint(Color.WHITE);
            maps.setOutlineVisible(false);
            maps.setDomainGridlinesVisible(false);
            maps.setRangeGridlinesVisible(false);
            heatMap(maps, report, p, p.id() + ": speedup of SIMD over scalar (1 thread)",
                    SweepReport.Cell::simdSpeedup, 0);
            heatMap(maps, report, p, p.id() + ": " + threadsTitle(report, p), SweepReport.Cell::threadSpeedup,
                    columns + 1);
            plot.add(maps);
        }

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, LEFT - 10, 8, LEFT - 10));
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        for (String note : notes(report)) {
            TextTitle t = new TextTitle(note, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            t.setHorizontalAlignment(HorizontalAlignment.LEFT);
            t.setTextAlignment(HorizontalAlignment.LEFT); // a note wraps onto lines of its own, left-aligned
            chart.addSubtitle(t);
        }
        int width = Math.max(WIDTH_MIN, 2 * LEFT + 2 * (LABEL_W + CELL_W * columns) + GAP);
        int height = headerHeight(chart, width) + report.precisions().size() * (widths.size() + 3) * CELL_H + 40;
        BufferedImage img = chart.createBufferedImage(width, Math.max(height, 160), BufferedImage.TYPE_INT_RGB, null);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /** One heat map into maps, its widths in column x0 and its cells right of them, each in its colour with its ratio. */
    private static void heatMap(XYPlot maps, SweepReport report, Precision p, String what,
            ToDoubleFunction<SweepReport.Cell> ratio, int x0) {
        List<Integer> widths = report.widths(), batches = report.batches();
        int n = widths.size() * batches.size();
        double[][] xyz = new double[3][n];
        for (int i = 0; i < widths.size(); i++) {
            for (int j = 0; j < batches.size(); j++) {
                SweepReport.Cell c = report.cell(p, widths.get(i), batches.get(j));
                int k = i * batches.size() + j;
                xyz[0][k] = x0 + 1 + j;
                xyz[1][k] = i;
                xyz[2][k] = c == null ? Double.NaN : ratio.applyAsDouble(c);
            }
        }
        DefaultXYZDataset cells = new DefaultXYZDataset();
        cells.addSeries(what, xyz);
        XYBlockRenderer blocks = new XYBlockRenderer() {
            @Override
            public Paint getItemLabelPaint(int series, int item) {
                return luminance(colour(xyz[2][item])) < 0.5 ? Color.WHITE : Color.BLACK;
            }
        };
        blocks.setPaintScale(new PaintScale() {
            @Override
            public double getLowerBound() {
                return 0;
            }

            @Override
            public double getUpperBound() {
                return Double.MAX_VALUE;
            }

            @Override
            public Paint getPaint(double value) {
                return colour(value);
            }
        });
        blocks.setBlockAnchor(RectangleAnchor.CENTER);
        blocks.setBlockWidth(0.97); // a white line between cells
        blocks.setBlockHeight(0.92);
        blocks.setDefaultItemLabelsVisible(true);
        blocks.setDefaultItemLabelGenerator((data, series, item) -> SweepReport.ratio(xyz[2][item]));
        blocks.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        blocks.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.CENTER, TextAnchor.CENTER));
        int index = maps.getDatasetCount();
        maps.setDataset(index, cells);
        maps.setRenderer(index, blocks);

        XYTextAnnotation name = new XYTextAnnotation(what, x0 - 0.5, -2);
        name.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        name.setTextAnchor(TextAnchor.HALF_ASCENT_LEFT);
        maps.addAnnotation(name);
        maps.addAnnotation(label("width \\ batch", x0, -1));
        for (int j = 0; j < batches.size(); j++) {
            maps.addAnnotation(label(Integer.toString(batches.get(j)), x0 + 1 + j, -1));
        }
        for (int i = 0; i < widths.size(); i++) {
            maps.addAnnotation(label(Integer.toString(widths.get(i)), x0, i));
        }
    }

    private static XYTextAnnotation label(String text, double x, double y) {
        XYTextAnnotation label = new XYTextAnnotation(text, x, y);
        label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return label;
    }

    /** The height of the chart's title and notes at this width, wrapped as JFreeChart will wrap them. */
    private static int headerHeight(JFreeChart chart, int width) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            RectangleConstraint fixed = RectangleConstraint.NONE.toFixedWidth(width - 2 * LEFT);
            double h = chart.getTitle().arrange(g, fixed).getHeight();
            for (Title t : chart.getSubtitles()) {
                h += t.arrange(g, fixed).getHeight();
            }
            return (int) Math.ceil(h) + 16;
        } finally {
            g.dispose();
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
}
