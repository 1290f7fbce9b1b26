package io.vecprop.cli;

import io.vecprop.data.Dataset;
import io.vecprop.nn.DenseNetwork;
import io.vecprop.train.BatchBuffers;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A PNG of an auto-encoder at work: the first samples' (scaled) inputs drawn as greyscale images in
 * one row and the network's reconstructions of them in the row below, so the eye can judge what
 * the bottleneck kept. Each pair shares one grey scale, the input's own range (black its smallest
 * value, white its largest; reconstructions beyond that range are clipped), so a reconstruction is
 * judged on the input's terms. Pixels are drawn as squares of a whole number of screen pixels.
 */
final class ReconstructionPicture {

    /** An image's height and width in pixels; their product is the network's input width. */
    record Shape(int height, int width) {

        /** HxW (28x28), or null for "square": the side of a perfect square of inputs. */
        static Shape of(String text, int inputs) {
            if (text == null) {
                int side = (int) Math.round(Math.sqrt(inputs));
                if (side * side != inputs) {
                    throw new IllegalArgumentException("the model takes " + inputs + " inputs, not a square number: give "
                            + "--image-shape HxW with H·W = " + inputs);
                }
                return new Shape(side, side);
            }
            String[] hw = text.toLowerCase(java.util.Locale.ROOT).split("x", -1);
            int h, w;
            try {
                if (hw.length != 2) {
                    throw new NumberFormatException();
                }
                h = Integer.parseInt(hw[0].strip());
                w = Integer.parseInt(hw[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--image-shape " + text + ": expected HxW, two positive whole numbers "
                        + "such as 28x28");
            }
            if (h < 1 || w < 1 || (long) h * w != inputs) {
                throw new IllegalArgumentException("--image-shape " + text + ": " + (h < 1 || w < 1 ? "both sides must be at "
                        + "least 1" : (long) h * w + " pixels, but the model takes " + inputs + " inputs"));
            }
            return new Shape(h, w);
        }
    }

    /** Samples drawn when --picture-count is left out. */
    static final int DEFAULT_COUNT = 16;
    /** A drawn image is about this many screen pixels on its longer side (a whole multiple of its pixels). */
    static final int CELL = 84;
    static final int GAP = 6;
    static final int LABEL = 118;
    static final int TITLE = 30;
    static final int MARGIN = 12;

    private ReconstructionPicture() {}

    /** Draws the first count samples of data and their reconstructions by network, and writes the PNG atomically. */
    static void write(Path file, String title, DenseNetwork network, Dataset data, Shape shape, int count)
            throws IOException {
        TrainingChart.writePng(file, render(title, network, data, shape, count));
    }

    static BufferedImage render(String title, DenseNetwork network, Dataset data, Shape shape, int count) {
        int n = Math.min(count, data.size());
        int inputs = network.inputs();
        double[] x = data.inputs().data;
        double[] y = new double[n * inputs];
        BatchBuffers buffers = BatchBuffers.of(network, Math.max(1, n));
        buffers.gatherInputs(data, 0, n);
        buffers.forward();
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < inputs; j++) {
                y[r * inputs + j] = buffers.value(r, j);
            }
        }
        int scale = Math.max(1, CELL / Math.max(shape.height(), shape.width()));
        int cw = shape.width() * scale, ch = shape.height() * scale;
        int width = MARGIN + LABEL + n * cw + Math.max(0, n - 1) * GAP + MARGIN;
        int height = TITLE + 2 * ch + GAP + MARGIN;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0x222222));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(fit(title, fm, width - 2 * MARGIN), MARGIN, MARGIN + fm.getAscent() - 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            fm = g.getFontMetrics();
            g.setColor(new Color(0x555555));
            g.drawString("input", MARGIN, TITLE + ch / 2 + fm.getAscent() / 2);
            g.drawString("reconstruction", MARGIN, TITLE + ch + GAP + ch / 2 + fm.getAscent() / 2);
            for (int r = 0; r < n; r++) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < inputs; j++) {
                    double v = x[r * inputs + j];
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                int left = MARGIN + LABEL + r * (cw + GAP);
                draw(g, x, r * inputs, shape, scale, left, TITLE, lo, hi);
                draw(g, y, r * inputs, shape, scale, left, TITLE + ch + GAP, lo, hi);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** One image: values from off, row by row, each a scale x scale square of grey (lo black, hi white). */
    private static void draw(Graphics2D g, double[] v, int off, Shape shape, int scale, int left, int top, double lo,
            double hi) {
        double range = hi > lo ? hi - lo : 1;
        for (int i = 0; i < shape.height(); i++) {
            for (int j = 0; j < shape.width(); j++) {
                double p = v[off + i * shape.width() + j];
                int grey = Double.isFinite(p) ? (int) Math.round(255 * Math.clamp((p - lo) / range, 0.0, 1.0)) : 0;
                g.setColor(Double.isNaN(p) ? Color.RED : new Color(grey, grey, grey));
                g.fillRect(left + j * scale, top + i * scale, scale, scale);
            }
        }
    }

    /** The title cut with an ellipsis to fit max pixels. */
    private static String fit(String title, FontMetrics fm, int max) {
        if (fm.stringWidth(title) <= max) {
            return title;
        }
        String t = title;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > max) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }
}
