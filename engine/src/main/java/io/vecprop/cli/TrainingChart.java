package io.vecprop.cli;

import static io.vecprop.cli.Values.sig3;
import static io.vecprop.cli.Values.sig9;

import io.vecprop.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import javax.imageio.stream.FileImageOutputStream;

/**
 * A PNG of a training run: training and validation loss per epoch in one panel (log scale when the
 * losses span more than two decades, else linear) and, when any epoch has it, validation accuracy
 * in a second panel below on the same epoch axis. A title, a line with the last epoch's values, a
 * legend and labelled axes. Missing values (NaN) leave gaps in their line.
 */
final class TrainingChart {

    /** One epoch's values; NaN where a value is not available. Accuracy is a fraction (0..1) or a percentage. */
    record Point(int epoch, double trainLoss, double validationLoss, double validationAccuracy) {}

    static final int WIDTH = 960;
    private static final int TOP = 92;
    private static final int LOSS_PLOT = 340;
    private static final int PANEL_GAP = 30;
    private static final int ACCURACY_PLOT = 170;
    private static final int BOTTOM = 52;
    /** The image height with the loss panel only, and with the accuracy panel too. */
    static final int LOSS_HEIGHT = TOP + LOSS_PLOT + BOTTOM;
    static final int ACCURACY_HEIGHT = LOSS_HEIGHT + PANEL_GAP + ACCURACY_PLOT;

    static final Color TRAIN = new Color(0x2f6fb3);
    static final Color VALIDATION = new Color(0xe8772e);
    static final Color ACCURACY = new Color(0x2e9a4f);
    private static final Color GRID = new Color(0xe4e4e4);
    private static final Color MINOR_GRID = new Color(0xf2f2f2);
    private static final Color FRAME = new Color(0x9a9a9a);
    private static final Color MUTED = new Color(0x555555);
    /** Markers on every point up to this many epochs; beyond, only points without neighbours get one. */
    private static final int MARKERS_UP_TO = 60;

    static {
        // drawing into an image needs no display; say so before AWT looks for one
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrainingChart() {}

    /** One line of the chart: its legend name, colour and a value per point (NaN for none). */
    private record Series(String name, Color color, double[] values) {
        boolean hasData() {
            return Arrays.stream(values).anyMatch(Double::isFinite);
        }
    }

    /**
     * One axis: its range (in decades when log), ticks with labels and unlabelled minor ticks, all in
     * data units.
     */
    private record Axis(double lo, double hi, boolean log, double[] ticks, String[] labels, double[] minor) {
        /** Where v falls, 0 at lo to 1 at hi; NaN when it cannot be drawn. */
        double at(double v) {
            if (!Double.isFinite(v) || log && v <= 0) {
                return Double.NaN;
            }
            return ((log ? Math.log10(v) : v) - lo) / (hi - lo);
        }
    }

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
        List<Point> pts = points.stream().sorted(Comparator.comparingInt(Point::epoch)).toList();
        Series train = series("training loss", TRAIN, pts, Point::trainLoss);
        Series validation = series("validation loss", VALIDATION, pts, Point::validationLoss);
        Series accuracy = series("validation accuracy", ACCURACY, pts, Point::validationAccuracy);
        if (Arrays.stream(accuracy.values).anyMatch(a -> a > 1)) { // a percentage: to a fraction
            Arrays.setAll(accuracy.values, i -> accuracy.values[i] / 100);
        }
        List<Series> losses = validation.hasData() ? List.of(train, validation) : List.of(train);
        boolean withAccuracy = accuracy.hasData();

        double[] epochs = pts.stream().mapToDouble(Point::epoch).toArray();
        Axis lossY = lossAxis(losses, LOSS_PLOT / 42);
        Axis accuracyY = withAccuracy ? accuracyAxis(accuracy.values, ACCURACY_PLOT / 34) : null;

        BufferedImage img = new BufferedImage(WIDTH, withAccuracy ? ACCURACY_HEIGHT : LOSS_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());

            Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            FontMetrics tm = g.getFontMetrics(tickFont);
            int tickWidth = 0;
            for (Axis a : withAccuracy ? List.of(lossY, accuracyY) : List.of(lossY)) {
                for (String l : a.labels) {
                    tickWidth = Math.max(tickWidth, tm.stringWidth(l));
                }
            }
            int left = Math.max(84, 24 + 22 + tickWidth + 8);
            int plotWidth = WIDTH - 28 - left;
            Axis x = epochAxis(epochs, Math.max(2, plotWidth / 80));

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(fit(g, title, WIDTH - 48), 24, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(MUTED);
            g.drawString(fit(g, summary(pts, train, validation, accuracy), WIDTH - 48), 24, 48);

            List<Series> legend = new ArrayList<>(losses);
            if (withAccuracy) {
                legend.add(accuracy);
            }
            drawLegend(g, legend, pts.size() <= MARKERS_UP_TO, left, 74);

            String lossTitle = lossY.log ? "loss (log scale)" : "loss";
            drawPanel(g, left, TOP, plotWidth, LOSS_PLOT, x, lossY, lossTitle, !withAccuracy, epochs, losses, tickFont);
            int bottom = TOP + LOSS_PLOT;
            if (withAccuracy) {
                bottom += PANEL_GAP + ACCURACY_PLOT;
                drawPanel(g, left, TOP + LOSS_PLOT + PANEL_GAP, plotWidth, ACCURACY_PLOT, x, accuracyY,
                        "accuracy", true, epochs, List.of(accuracy), tickFont);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            g.drawString("epoch", left + (plotWidth - g.getFontMetrics().stringWidth("epoch")) / 2, bottom + 38);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static Series series(String name, Color color, List<Point> pts, ToDoubleFunction<Point> value) {
        return new Series(name, color, pts.stream().mapToDouble(value).toArray());
    }

    /** "epoch 10: training loss 0.0412, validation loss 0.0513, validation accuracy 98.1%; lowest ...". */
    private static String summary(List<Point> pts, Series train, Series validation, Series accuracy) {
        if (pts.isEmpty()) {
            return "no epochs";
        }
        int last = pts.size() - 1;
        StringBuilder sb = new StringBuilder("epoch ").append(pts.get(last).epoch()).append(':');
        String sep = " ";
        for (Series s : List.of(train, validation, accuracy)) {
            double v = s.values[last];
            if (Double.isFinite(v)) {
                sb.append(sep).append(s.name).append(' ').append(s == accuracy ? sig3(100 * v) + "%" : sig3(v));
                sep = ", ";
            }
        }
        int best = -1;
        for (int i = 0; i < pts.size(); i++) {
            if (Double.isFinite(validation.values[i]) && (best < 0 || validation.values[i] < validation.values[best])) {
                best = i;
            }
        }
        if (best >= 0 && best != last) {
            sb.append(";  lowest validation loss ").append(sig3(validation.values[best])).append(" at epoch ")
                    .append(pts.get(best).epoch());
        }
        return sb.toString();
    }

    private static void drawLegend(Graphics2D g, List<Series> series, boolean markers, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Series s : series) {
            g.setColor(s.color);
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(x, y - 4, x + 24, y - 4);
            if (markers) {
                g.fill(marker(x + 12, y - 4));
            }
            g.setColor(Color.BLACK);
            g.drawString(s.name, x + 32, y);
            x += 32 + g.getFontMetrics().stringWidth(s.name) + 28;
        }
    }

    /** A plot area at (px, py) of w by h: grid, tick labels, frame, the y axis title and the lines. */
    private static void drawPanel(Graphics2D g, int px, int py, int w, int h, Axis x, Axis y, String yTitle,
            boolean xLabels, double[] epochs, List<Series> series, Font tickFont) {
        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1));
        g.setColor(MINOR_GRID);
        for (double m : y.minor) {
            int yy = py + h - (int) Math.round(y.at(m) * h);
            g.drawLine(px, yy, px + w, yy);
        }
        for (int i = 0; i < y.ticks.length; i++) {
            int yy = py + h - (int) Math.round(y.at(y.ticks[i]) * h);
            g.setColor(GRID);
            g.drawLine(px, yy, px + w, yy);
            g.setColor(MUTED);
            g.drawString(y.labels[i], px - 7 - fm.stringWidth(y.labels[i]), yy + fm.getAscent() / 2 - 1);
        }
        for (int i = 0; i < x.ticks.length; i++) {
            int xx = px + (int) Math.round(x.at(x.ticks[i]) * w);
            g.setColor(GRID);
            g.drawLine(xx, py, xx, py + h);
            if (xLabels) {
                g.setColor(MUTED);
                g.drawLine(xx, py + h, xx, py + h + 4);
                g.drawString(x.labels[i], xx - fm.stringWidth(x.labels[i]) / 2, py + h + 6 + fm.getAscent());
            }
        }
        g.setColor(FRAME);
        g.drawRect(px, py, w, h);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        AffineTransform saved = g.getTransform();
        g.translate(24 + g.getFontMetrics().getAscent(), py + h / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, -g.getFontMetrics().stringWidth(yTitle) / 2, 0);
        g.setTransform(saved);

        Shape clip = g.getClip();
        g.clipRect(px - 5, py - 5, w + 11, h + 11);
        for (Series s : series) {
            drawSeries(g, s, epochs, px, py, w, h, x, y);
        }
        g.setClip(clip);
    }

    private static void drawSeries(Graphics2D g, Series s, double[] epochs, int px, int py, int w, int h, Axis x,
            Axis y) {
        double[] v = s.values;
        double[] xs = new double[v.length];
        double[] ys = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            xs[i] = px + x.at(epochs[i]) * w;
            ys[i] = py + h - y.at(v[i]) * h;
        }
        Path2D.Double line = new Path2D.Double();
        boolean drawing = false;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(ys[i])) {
                drawing = false;
            } else if (drawing) {
                line.lineTo(xs[i], ys[i]);
            } else {
                line.moveTo(xs[i], ys[i]);
                drawing = true;
            }
        }
        g.setColor(s.color);
        g.setStroke(new BasicStroke(v.length > 300 ? 1.5f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(line);
        for (int i = 0; i < v.length; i++) {
            boolean alone = (i == 0 || Double.isNaN(ys[i - 1])) && (i == v.length - 1 || Double.isNaN(ys[i + 1]));
            if (!Double.isNaN(ys[i]) && (v.length <= MARKERS_UP_TO || alone)) {
                g.fill(marker(xs[i], ys[i]));
            }
        }
    }

    private static Shape marker(double cx, double cy) {
        return new Ellipse2D.Double(cx - 3.5, cy - 3.5, 7, 7);
    }

    /** The text, cut with an ellipsis to fit width pixels in the current font. */
    private static String fit(Graphics2D g, String text, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String s = text;
        while (!s.isEmpty() && fm.stringWidth(s + "...") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "...";
    }

    // ---- axes ----

    /** The epochs from first to last (half an epoch either side of a single one), whole-number ticks. */
    private static Axis epochAxis(double[] epochs, int maxTicks) {
        double lo = epochs.length == 0 ? 0 : epochs[0];
        double hi = epochs.length == 0 ? 1 : epochs[epochs.length - 1];
        if (hi == lo) {
            lo -= 0.5;
            hi += 0.5;
        }
        double step = Math.max(1, niceStep((hi - lo) / maxTicks));
        return linearTicks(lo, hi, step, Values::sig9);
    }

    /** Log decades when the positive losses span more than two decades, else linear, from 0 when near it. */
    private static Axis lossAxis(List<Series> losses, int maxTicks) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double minPositive = Double.POSITIVE_INFINITY;
        for (Series s : losses) {
            for (double v : s.values) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    if (v > 0) {
                        minPositive = Math.min(minPositive, v);
                    }
                }
            }
        }
        if (min > max) { // no finite loss at all
            min = 0;
            max = 1;
        }
        if (max > 0 && max / minPositive > 100) {
            return logAxis(minPositive, max);
        }
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min = min == 0 ? 0 : min - pad;
            max += pad;
        } else if (min >= 0 && min <= (max - min) / 2) {
            min = 0;
        }
        double step = niceStep((max - min) / maxTicks);
        return linearTicks(Math.floor(min / step) * step, Math.ceil(max / step) * step, step, Values::sig9);
    }

    /** Whole decades around the values, labelled (every k-th when many) with minor ticks at 2..9. */
    private static Axis logAxis(double min, double max) {
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max));
        if (hi == lo) {
            hi++;
        }
        int every = Math.max(1, (int) Math.ceil((hi - lo) / 8.0));
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Double> minor = new ArrayList<>();
        for (int k = lo; k <= hi; k++) {
            double decade = Math.pow(10, k);
            if ((k - lo) % every == 0) {
                ticks.add(decade);
                labels.add(k >= -4 && k <= 4 ? sig9(decade) : "1e" + k);
            } else {
                minor.add(decade);
            }
            if (k < hi && hi - lo <= 6) {
                for (int m = 2; m <= 9; m++) {
                    minor.add(m * decade);
                }
            }
        }
        return new Axis(lo, hi, true, ticks.stream().mapToDouble(Double::doubleValue).toArray(),
                labels.toArray(String[]::new), minor.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Accuracy as a fraction, shown in percent: a nice range around the values within 0..100%. */
    private static Axis accuracyAxis(double[] accuracy, int maxTicks) {
        double min = Arrays.stream(accuracy).filter(Double::isFinite).min().orElse(0);
        double max = Arrays.stream(accuracy).filter(Double::isFinite).max().orElse(1);
        if (max - min < 0.02) { // one value, or nearly: centred in a 2% window
            double mid = (min + max) / 2;
            min = mid - 0.01;
            max = mid + 0.01;
        }
        double step = niceStep((max - min) / maxTicks);
        double lo = Math.clamp(Math.floor(min / step) * step, 0, 1);
        double hi = Math.clamp(Math.ceil(max / step) * step, 0, 1);
        if (hi <= lo) { // values outside 0..100%
            lo = 0;
            hi = 1;
        }
        return linearTicks(lo, hi, step, v -> sig9(v * 100) + "%");
    }

    /** Ticks at the multiples of step within lo..hi, with their labels. */
    private static Axis linearTicks(double lo, double hi, double step, DoubleFunction<String> label) {
        long first = (long) Math.ceil(lo / step - 1e-9);
        long last = (long) Math.floor(hi / step + 1e-9);
        double[] ticks = new double[(int) Math.max(0, last - first + 1)];
        String[] labels = new String[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = (first + i) * step;
            labels[i] = label.apply(ticks[i]);
        }
        return new Axis(lo, hi, false, ticks, labels, new double[0]);
    }

    /** The 1, 2 or 5 times a power of ten nearest above raw. */
    private static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / magnitude;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
    }
}
