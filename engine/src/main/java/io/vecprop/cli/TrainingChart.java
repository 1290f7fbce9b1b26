package io.vecprop.cli;

import static io.vecprop.cli.Values.sig3;

import io.vecprop.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import javax.imageio.stream.FileImageOutputStream;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * A PNG of a training run, drawn by JFreeChart: training and validation loss per epoch in one panel
 * (log scale when the losses span more than two decades, else linear) and, when any epoch has it,
 * validation accuracy in a second panel below on the same epoch axis. A title, a line with the last
 * epoch's values, a legend and labelled axes. Missing values (NaN) leave gaps in their line.
 */
final class TrainingChart {

    /** One epoch's values; NaN where a value is not available. Accuracy is a fraction (0..1) or a percentage. */
    record Point(int epoch, double trainLoss, double validationLoss, double validationAccuracy) {}

    static final int WIDTH = 960;
    /** The image height with the loss panel only, and with the accuracy panel too (which is half as tall). */
    static final int LOSS_HEIGHT = 484;
    static final int ACCURACY_HEIGHT = 684;

    static final Color TRAIN = new Color(0x2f6fb3);
    static final Color VALIDATION = new Color(0xe8772e);
    static final Color ACCURACY = new Color(0x2e9a4f);
    private static final Color GRID = new Color(0xe4e4e4);
    private static final Color MINOR_GRID = new Color(0xf2f2f2);
    private static final Color MUTED = new Color(0x555555);
    /** Markers on every point up to this many epochs; beyond, only points without neighbours get one. */
    private static final int MARKERS_UP_TO = 60;

    /**
     * One run of several drawn together: its name in the legend, where it was read from, whether its
     * losses are validation losses (else the chart draws its training loss) and its epochs, the
     * accuracy in each point the validation's when validation is true, else the training one's.
     */
    record Run(String name, String source, boolean validation, List<Point> points) {}

    /** One colour per run (colour-blind-safe, Okabe and Ito's palette with a dark grey). */
    static final Color[] RUN_COLOURS = {new Color(0x0072b2), new Color(0xe69f00), new Color(0x009e73),
        new Color(0xcc79a7), new Color(0x56b4e9), new Color(0xd55e00), new Color(0xf0e442), new Color(0x444444)};

    private TrainingChart() {}

    /** Draws several runs in one chart ({@link #renderRuns}) and writes it to file atomically. */
    static void writeRuns(Path file, String title, List<Run> runs) throws IOException {
        writePng(file, renderRuns(title, runs, null));
    }

    /**
     * Several runs in one chart: each run's loss (validation, else training) in the upper panel and its
     * accuracy in the lower one, one colour per run, on one epoch axis; under the title each run's
     * last epoch.
     */
    static BufferedImage renderRuns(String title, List<Run> runs, ChartRenderingInfo info) {
        if (runs.isEmpty() || runs.size() > RUN_COLOURS.length) {
            throw new IllegalArgumentException(runs.size() + " runs: 1 to " + RUN_COLOURS.length + " fit one chart");
        }
        CombinedDomainXYPlot plot = epochPlot();
        List<double[]> epochs = new java.util.ArrayList<>();
        List<double[]> losses = new java.util.ArrayList<>();
        List<double[]> accuracies = new java.util.ArrayList<>();
        int longest = 0;
        StringBuilder summary = new StringBuilder();
        for (Run r : runs) {
            List<Point> pts = r.points().stream().sorted(Comparator.comparingInt(Point::epoch)).toList();
            longest = Math.max(longest, pts.size());
            double[] loss = values(pts, r.validation() ? Point::validationLoss : Point::trainLoss);
            double[] accuracy = fractions(values(pts, Point::validationAccuracy));
            epochs.add(values(pts, Point::epoch));
            losses.add(loss);
            accuracies.add(accuracy);
            if (!pts.isEmpty()) {
                int last = pts.size() - 1;
                summary.append(summary.isEmpty() ? "" : ";  ").append(r.name()).append(": epoch ")
                        .append(pts.get(last).epoch()).append(" loss ").append(sig3(loss[last]));
                if (Double.isFinite(accuracy[last])) {
                    summary.append(", accuracy ").append(sig3(100 * accuracy[last])).append('%');
                }
            }
        }
        ValueAxis lossAxis = lossAxis(losses);
        boolean log = lossAxis instanceof LogAxis;
        DefaultXYDataset lossData = new DefaultXYDataset();
        DefaultXYDataset accuracyData = new DefaultXYDataset();
        for (int s = 0; s < runs.size(); s++) {
            Run r = runs.get(s);
            lossData.addSeries(r.name() + (r.validation() ? " (validation)" : " (training)"),
                    new double[][] {epochs.get(s), drawable(losses.get(s), log)});
            accuracyData.addSeries(r.name(), new double[][] {epochs.get(s), drawable(accuracies.get(s), false)});
        }
        Color[] colours = Arrays.copyOf(RUN_COLOURS, runs.size());
        plot.add(panel(lossData, lossAxis, longest, colours), 2);
        double[] allAccuracies = accuracies.stream().flatMapToDouble(Arrays::stream).toArray();
        boolean withAccuracy = Arrays.stream(allAccuracies).anyMatch(Double::isFinite);
        if (withAccuracy) {
            XYPlot accuracyPanel = panel(accuracyData, accuracyAxis(allAccuracies), longest, colours);
            accuracyPanel.getRenderer().setDefaultSeriesVisibleInLegend(false); // each run once, from the loss panel
            plot.add(accuracyPanel, 1);
        }
        return chart(title, plot, summary.toString(), withAccuracy, info);
    }

    /** Draws the chart and writes it to file atomically (a temporary file beside it, then a rename). */
    static void write(Path file, String title, List<Point> points) throws IOException {
        writePng(file, render(title, points));
    }

    /** Writes img as a PNG to file atomically (a temporary file beside it, then a rename); also eval --picture's. */
    static void writePng(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (FileImageOutputStream out = new FileImageOutputStream(tmp.toFile())) {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer in this JVM");
                }
            }
        });
    }

    /** The chart as an image, as {@link #write} writes it. */
    static BufferedImage render(String title, List<Point> points) {
        return render(title, points, null);
    }

    /** The same, with where JFreeChart drew each panel in info (its subplots, loss first). */
    static BufferedImage render(String title, List<Point> points, ChartRenderingInfo info) {
        List<Point> pts = points.stream().sorted(Comparator.comparingInt(Point::epoch)).toList();
        double[] epochs = values(pts, Point::epoch);
        double[] train = values(pts, Point::trainLoss);
        double[] validation = values(pts, Point::validationLoss);
        double[] accuracy = fractions(values(pts, Point::validationAccuracy));
        boolean withValidation = Arrays.stream(validation).anyMatch(Double::isFinite);
        boolean withAccuracy = Arrays.stream(accuracy).anyMatch(Double::isFinite);

        CombinedDomainXYPlot plot = epochPlot();

        ValueAxis lossAxis = lossAxis(withValidation ? List.of(train, validation) : List.of(train));
        boolean log = lossAxis instanceof LogAxis;
        DefaultXYDataset losses = new DefaultXYDataset();
        losses.addSeries("training loss", new double[][] {epochs, drawable(train, log)});
        if (withValidation) {
            losses.addSeries("validation loss", new double[][] {epochs, drawable(validation, log)});
        }
        plot.add(panel(losses, lossAxis, pts.size(), TRAIN, VALIDATION), 2);
        if (withAccuracy) {
            DefaultXYDataset acc = new DefaultXYDataset();
            acc.addSeries("validation accuracy", new double[][] {epochs, drawable(accuracy, false)});
            plot.add(panel(acc, accuracyAxis(accuracy), pts.size(), ACCURACY), 1);
        }

        return chart(title, plot, summary(pts, train, validation, accuracy), withAccuracy, info);
    }

    /** Panels stacked on one integer epoch axis, 30 px apart. */
    private static CombinedDomainXYPlot epochPlot() {
        NumberAxis epochAxis = epochAxis();
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(style(epochAxis));
        epochAxis.setTickLabelInsets(new RectangleInsets(4, 30, 2, 30)); // labels at least 80 px apart
        plot.setGap(30);
        return plot;
    }

    private static NumberAxis epochAxis() {
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setNumberFormatOverride(new DecimalFormat("0"));
        epochAxis.setAutoRangeIncludesZero(false);
        epochAxis.setAutoRangeMinimumSize(1); // one epoch: half an epoch either side
        epochAxis.setLowerMargin(0.01); // room for the first and last markers
        epochAxis.setUpperMargin(0.01);
        return epochAxis;
    }

    /** The chart around plot: the title, a summary line under it, the legend on top; drawn as an image. */
    private static BufferedImage chart(String title, CombinedDomainXYPlot plot, String summaryLine, boolean withAccuracy,
            ChartRenderingInfo info) {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 14, 8, 20));
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        chart.getTitle().setMaximumLinesToDisplay(1); // a long title is cut with an ellipsis
        TextTitle summary = new TextTitle(summaryLine,
                new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        summary.setPaint(MUTED);
        summary.setHorizontalAlignment(HorizontalAlignment.LEFT);
        summary.setMaximumLinesToDisplay(1);
        summary.setPadding(new RectangleInsets(4, 0, 4, 0));
        chart.addSubtitle(0, summary);
        chart.getLegend().setPosition(RectangleEdge.TOP);
        chart.getLegend().setHorizontalAlignment(HorizontalAlignment.LEFT);
        chart.getLegend().setFrame(BlockBorder.NONE);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getLegend().setItemLabelPadding(new RectangleInsets(2, 6, 2, 22));
        return chart.createBufferedImage(WIDTH, withAccuracy ? ACCURACY_HEIGHT : LOSS_HEIGHT,
                BufferedImage.TYPE_INT_RGB, info);
    }

    /** Accuracies as fractions: a run that gave percentages (any value above 1) divided by 100, in place. */
    private static double[] fractions(double[] accuracy) {
        if (Arrays.stream(accuracy).anyMatch(a -> a > 1)) {
            Arrays.setAll(accuracy, i -> accuracy[i] / 100);
        }
        return accuracy;
    }

    private static double[] values(List<Point> pts, ToDoubleFunction<Point> value) {
        return pts.stream().mapToDouble(value).toArray();
    }

    /** The values a line can go through: NaN (a gap) for infinite ones, and for those not above 0 on a log axis. */
    private static double[] drawable(double[] values, boolean log) {
        return Arrays.stream(values).map(v -> Double.isFinite(v) && (!log || v > 0) ? v : Double.NaN).toArray();
    }

    /** A panel: white, gridded, its series as lines in the given colours, a marker on each point of a short run. */
    private static XYPlot panel(DefaultXYDataset data, ValueAxis y, int epochs, Color... colours) {
        boolean markers = epochs <= MARKERS_UP_TO;
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, markers) {
            @Override
            public boolean getItemShapeVisible(int series, int item) {
                // beyond MARKERS_UP_TO epochs, a point between gaps still shows
                return markers || Double.isFinite(data.getYValue(series, item))
                        && (item == 0 || Double.isNaN(data.getYValue(series, item - 1)))
                        && (item == data.getItemCount(series) - 1 || Double.isNaN(data.getYValue(series, item + 1)));
            }
        };
        for (int s = 0; s < colours.length; s++) {
            lines.setSeriesPaint(s, colours[s]);
            lines.setSeriesStroke(s, new BasicStroke(epochs > 300 ? 1.5f : 2f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            lines.setSeriesShape(s, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        }
        lines.setDrawSeriesLineAsPath(true); // one path per line, lifted at each gap
        lines.setLegendLine(new Line2D.Double(-12, 0, 12, 0));
        XYPlot panel = new XYPlot(data, null, style(y), lines);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setOutlinePaint(new Color(0x9a9a9a));
        BasicStroke thin = new BasicStroke(1);
        panel.setDomainGridlinePaint(GRID);
        panel.setDomainGridlineStroke(thin);
        panel.setRangeGridlinePaint(GRID);
        panel.setRangeGridlineStroke(thin);
        panel.setRangeMinorGridlinesVisible(y instanceof LogAxis); // 2..9 within each decade
        panel.setRangeMinorGridlinePaint(MINOR_GRID);
        panel.setRangeMinorGridlineStroke(thin);
        return panel;
    }

    private static ValueAxis style(ValueAxis axis) {
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        axis.setTickLabelPaint(MUTED);
        axis.setAxisLineVisible(false);
        axis.setTickLabelInsets(new RectangleInsets(14, 4, 14, 4)); // a y axis' labels at least 40 px apart
        return axis;
    }

    /** Log decades when the positive losses span more than two decades, else linear, from 0 when near it. */
    private static ValueAxis lossAxis(List<double[]> losses) {
        double[] finite = losses.stream().flatMapToDouble(Arrays::stream).filter(Double::isFinite).toArray();
        double min = Arrays.stream(finite).min().orElse(0), max = Arrays.stream(finite).max().orElse(1);
        double minPositive = Arrays.stream(finite).filter(v -> v > 0).min().orElse(Double.NaN);
        if (max > 0 && max / minPositive > 100) {
            int lo = (int) Math.floor(Math.log10(minPositive)), hi = (int) Math.ceil(Math.log10(max));
            LogAxis axis = new LogAxis("loss (log scale)");
            axis.setRange(Math.pow(10, lo - 1e-9), Math.pow(10, hi + 1e-9)); // whole decades, both ends labelled
            int every = Math.max(1, (int) Math.ceil((hi - lo) / 8.0));
            axis.setTickUnit(new NumberTickUnit(every, new DecimalFormat("0"), every == 1 && hi - lo <= 6 ? 9 : 0));
            return axis;
        }
        NumberAxis axis = new NumberAxis("loss");
        axis.setAutoRangeIncludesZero(min >= 0 && min <= (max - min) / 2);
        axis.setAutoRangeMinimumSize(max == 0 ? 1 : 0.2 * Math.abs(max)); // one value: 10% either side
        return axis;
    }

    /** Accuracy as a fraction, shown in percent: a range around the values within 0..100%, at least 2% wide. */
    private static ValueAxis accuracyAxis(double[] accuracy) {
        double min = Arrays.stream(accuracy).filter(Double::isFinite).min().orElse(0);
        double max = Arrays.stream(accuracy).filter(Double::isFinite).max().orElse(1);
        double pad = Math.max(0.01, (max - min) * 0.05);
        double lo = Math.clamp(min - pad, 0, 1), hi = Math.clamp(max + pad, 0, 1);
        NumberAxis axis = new NumberAxis("accuracy");
        axis.setRange(hi > lo ? lo : 0, hi > lo ? hi : 1);
        NumberFormat percent = NumberFormat.getPercentInstance(Locale.ROOT);
        percent.setMaximumFractionDigits(1);
        axis.setNumberFormatOverride(percent);
        return axis;
    }

    /** "epoch 10: training loss 0.0412, validation loss 0.0513, validation accuracy 98.1%; lowest ...". */
    private static String summary(List<Point> pts, double[] train, double[] validation, double[] accuracy) {
        if (pts.isEmpty()) {
            return "no epochs";
        }
        int last = pts.size() - 1;
        StringBuilder sb = new StringBuilder("epoch ").append(pts.get(last).epoch()).append(':');
        String sep = " ";
        String[] names = {"training loss", "validation loss", "validation accuracy"};
        double[][] series = {train, validation, accuracy};
        for (int s = 0; s < names.length; s++) {
            double v = series[s][last];
            if (Double.isFinite(v)) {
                sb.append(sep).append(names[s]).append(' ').append(series[s] == accuracy ? sig3(100 * v) + "%" : sig3(v));
                sep = ", ";
            }
        }
        int best = -1;
        for (int i = 0; i < pts.size(); i++) {
            if (Double.isFinite(validation[i]) && (best < 0 || validation[i] < validation[best])) {
                best = i;
            }
        }
        if (best >= 0 && best != last) {
            sb.append(";  lowest validation loss ").append(sig3(validation[best])).append(" at epoch ")
                    .append(pts.get(best).epoch());
        }
        return sb.toString();
    }
}
