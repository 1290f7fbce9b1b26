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

    private TrainingChart() {}

    /** Draws the chart and writes it to file atomically (a temporary file beside it, then a rename). */
    static void write(Path file, String title, List<Point> points) throws IOException {
        BufferedImage img = render(title, points);
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
        double[] accuracy = values(pts, Point::validationAccuracy);
        if (Arrays.stream(accuracy).anyMatch(a -> a > 1)) { // a percentage: to a fraction
            Arrays.setAll(accuracy, i -> accuracy[i] / 100);
        }
        boolean withValidation = Arrays.stream(validation).anyMatch(Double::isFinite);
        boolean withAccuracy = Arrays.stream(accuracy).anyMatch(Double::isFinite);

        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setNumberFormatOverride(new DecimalFormat("0"));
        epochAxis.setAutoRangeIncludesZero(false);
        epochAxis.setAutoRangeMinimumSize(1); // one epoch: half an epoch either side
        epochAxis.setLowerMargin(0.01); // room for the first and last markers
        epochAxis.setUpperMargin(0.01);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(style(epochAxis));
        epochAxis.setTickLabelInsets(new RectangleInsets(4, 30, 2, 30)); // labels at least 80 px apart
        plot.setGap(30);

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

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 14, 8, 20));
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        chart.getTitle().setMaximumLinesToDisplay(1); // a long title is cut with an ellipsis
        TextTitle summary = new TextTitle(summary(pts, train, validation, accuracy),
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
