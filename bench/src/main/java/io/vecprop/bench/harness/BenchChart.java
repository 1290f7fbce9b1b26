package io.vecprop.bench.harness;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A PNG of scalar against SIMD (and EJML) per kernel and size, drawn by JFreeChart: one group of
 * horizontal bars per benchmark, size, precision and thread count, each bar the throughput of one
 * kernel choice, scaled to the fastest of its group and labelled with its value and its speedup over
 * scalar.
 */
final class BenchChart {

    static final Map<String, Color> COLORS = Map.of(
            "scalar", new Color(0x9e9e9e), "ejml", new Color(0xef8a3c), "simd", new Color(0x2f6fb3),
            "poly", new Color(0x2f6fb3), "lanewise", new Color(0x6aa5dd));

    private BenchChart() {}

    /** One row of the chart: a group's title (row null) or a bar; labelled by its kernels. */
    private record Line(int index, String label, BenchReport.Row row) implements Comparable<Line> {
        @Override
        public int compareTo(Line o) {
            return Integer.compare(index, o.index);
        }

        @Override
        public String toString() {
            return label;
        }
    }

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
        // each group a title row, then a bar per kernel choice at its share of the group's fastest
        DefaultCategoryDataset shares = new DefaultCategoryDataset();
        List<Line> lines = new ArrayList<>();
        List<CategoryTextAnnotation> titles = new ArrayList<>();
        for (Map.Entry<String, List<BenchReport.Row>> g : groups.entrySet()) {
            Line head = new Line(lines.size(), "", null);
            lines.add(head);
            shares.addValue(null, "share", head);
            CategoryTextAnnotation t = new CategoryTextAnnotation(g.getKey(), head, 0);
            t.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            t.setTextAnchor(TextAnchor.HALF_ASCENT_LEFT);
            titles.add(t);
            double max = g.getValue().stream().mapToDouble(BenchReport.Row::throughput).max().orElse(1);
            for (BenchReport.Row r : g.getValue()) {
                Line bar = new Line(lines.size(), r.kernels(), r);
                lines.add(bar);
                shares.addValue(r.throughput() / max, "share", bar);
            }
        }

        BarRenderer bars = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return COLORS.getOrDefault(lines.get(column).label(), Color.GRAY);
            }
        };
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setMinimumBarLength(2);
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        bars.setItemLabelInsets(new RectangleInsets(8, 8, 8, 8));
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
            @Override
            public String generateLabel(CategoryDataset dataset, int row, int column) {
                BenchReport.Row r = lines.get(column).row();
                return BenchReport.fmt(r.throughput()) + " " + r.throughputUnit()
                        + (Double.isNaN(r.speedup()) ? "" : String.format(Locale.ROOT, "  (%.2fx)", r.speedup()));
            }
        });
        CategoryAxis kernels = new CategoryAxis();
        kernels.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        kernels.setTickLabelPaint(Color.DARK_GRAY);
        kernels.setAxisLineVisible(false);
        kernels.setTickMarksVisible(false);
        kernels.setCategoryMargin(0.3);
        NumberAxis share = new NumberAxis();
        share.setRange(0, 1.45); // the fastest bar at about two thirds of the width, room for its label
        share.setVisible(false);
        CategoryPlot plot = new CategoryPlot(shares, kernels, share, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinesVisible(false);
        titles.forEach(plot::addAnnotation);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 14, 8, 14));
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        List<String> notes = new ArrayList<>(List.of(
                "Throughput per kernel choice, bars scaled to the fastest of each group; (x) is the speedup over scalar in the same precision."));
        // the ceilings, one line per thread count: with both precisions one line would not fit
        String[] ceilings = report.ceilingsLine().split("(?<=;) ");
        notes.addAll(List.of(ceilings));
        for (String note : notes) {
            TextTitle t = new TextTitle(note, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            t.setHorizontalAlignment(HorizontalAlignment.LEFT);
            chart.addSubtitle(t);
        }
        int height = 68 + 14 * ceilings.length + 30;
        for (List<BenchReport.Row> g : groups.values()) {
            height += 22 + g.size() * 22 + 14;
        }
        BufferedImage img = chart.createBufferedImage(934, Math.max(height, 160), BufferedImage.TYPE_INT_RGB, null);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }
}
