package io.vecprop.io;

import io.vecprop.data.Dataset;
import io.vecprop.data.Memory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ejml.data.DMatrixRMaj;

/**
 * Reads a comma-separated file of numbers into a {@link Dataset}, one sample per line.
 *
 * <p>Cells are trimmed; a cell may be double-quoted ({@code "setosa"}, with {@code ""} for a quote
 * inside). Blank lines and lines starting with {@code #} are skipped; the text is UTF-8 and a
 * byte order mark at the start is ignored. The targets are either the last k columns or one
 * class-label column turned into one-hot targets (see {@link Options}).
 *
 * <p>The file is read line by line into growable arrays, never held as one string. Every error is a
 * {@link DataFormatException} whose message starts with {@code file:line:} (lines counted from 1 as
 * in an editor, skipped lines included) and names the column (counted from 1, with its header name
 * when there is one) and what was expected there.
 */
public final class CsvReader {

    /** Largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Memory.MAX_ARRAY;

    /** The longest line read, in characters (a longer one is refused as it is read, such as /dev/zero's). */
    static final int MAX_LINE = 1 << 26;

    /** A decimal number as {@link Double#parseDouble} reads it, without hex, suffixes or words. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** Words that name a value but not a finite one. */
    private static final Pattern NON_FINITE = Pattern.compile("(?i)[+-]?(nan|inf|infinity)");

    /** Exact powers of ten: every one up to 1e22 is a double without rounding. */
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private CsvReader() {
    }

    /**
     * What the columns mean.
     *
     * @param labelColumn null, or a header name, or a 0-based column index as text ({@code "0"},
     *     {@code "4"}); when set, that column holds class labels turned into one-hot targets and
     *     every other column is an input
     * @param targetColumns when labelColumn is null, the last k columns are numeric targets (k &gt;= 0;
     *     0 = inputs only, as for predict); must be 0 with a label column
     * @param classes null to discover the classes from the file, or a fixed list (a saved model's
     *     classes) in target-column order; a label outside it is an error. Only with a label column.
     * @param header null = auto (the first data line is a header when any of its cells other than
     *     the label column is not a number), TRUE/FALSE to force. A label column given by name
     *     implies a header (auto becomes TRUE; FALSE is rejected).
     * @param inputs 0, or the inputs of the network the data is for: then a line with more columns
     *     than inputs and outputs (inputs and the label column) is refused as it is split
     * @param outputs 0, or the outputs of that network: then a label that would make more classes
     *     is refused on its line
     */
    public record Options(String labelColumn, int targetColumns, List<String> classes, Boolean header, int inputs,
            int outputs) {

        public Options {
            if (inputs < 0 || outputs < 0) {
                throw new IllegalArgumentException("inputs and outputs must be >= 0, got " + inputs + " and " + outputs);
            }
            if (targetColumns < 0) {
                throw new IllegalArgumentException("targetColumns must be >= 0, got " + targetColumns);
            }
            if (labelColumn != null) {
                labelColumn = labelColumn.strip();
                if (labelColumn.isEmpty()) {
                    throw new IllegalArgumentException("labelColumn is blank");
                }
                if (targetColumns != 0) {
                    throw new IllegalArgumentException("a label column makes the targets: targetColumns must be 0, got "
                            + targetColumns);
                }
                if (Boolean.FALSE.equals(header) && indexOf(labelColumn) < 0) {
                    throw new IllegalArgumentException("label column '" + labelColumn
                            + "' is a name, which needs a header line");
                }
            }
            if (classes != null) {
                if (labelColumn == null) {
                    throw new IllegalArgumentException("classes need a label column");
                }
                classes = List.copyOf(classes);
                if (classes.isEmpty()) {
                    throw new IllegalArgumentException("classes is empty");
                }
                if (new HashSet<>(classes).size() != classes.size()) {
                    throw new IllegalArgumentException("classes has duplicates: " + classes);
                }
                if (classes.stream().anyMatch(String::isBlank)) {
                    throw new IllegalArgumentException("classes has a blank name: " + classes);
                }
            }
        }

        /** The last k columns are numeric targets, the others inputs; header detected. */
        public static Options targets(int k) {
            return new Options(null, k, null, null, 0, 0);
        }

        /** Every column is an input (targets N x 0), as for predict. */
        public static Options inputsOnly() {
            return targets(0);
        }

        /** One column (a header name or a 0-based index as text) holds class labels; classes discovered. */
        public static Options label(String column) {
            return new Options(Objects.requireNonNull(column, "column"), 0, null, null, 0, 0);
        }

        /** These options with a fixed class list (null to discover the classes). */
        public Options withClasses(List<String> classes) {
            return new Options(labelColumn, targetColumns, classes, header, inputs, outputs);
        }

        /** These options with the header forced on or off (null = auto). */
        public Options withHeader(Boolean header) {
            return new Options(labelColumn, targetColumns, classes, header, inputs, outputs);
        }

        /** These options for a network of these widths: wider lines and more classes are refused as they are read. */
        public Options forNetwork(int inputs, int outputs) {
            return new Options(labelColumn, targetColumns, classes, header, inputs, outputs);
        }

        /** The most columns a line may have, or 0 for no bound. */
        int maxColumns() {
            return inputs == 0 ? 0 : labelColumn != null ? inputs + 1 : inputs + outputs;
        }

        /** The label column as a 0-based index, or -1 when it is given by name or absent. */
        int labelIndex() {
            return labelColumn == null ? -1 : indexOf(labelColumn);
        }

        private static int indexOf(String column) {
            return column.matches("\\d{1,9}") ? Integer.parseInt(column) : -1;
        }
    }

    /**
     * Reads a CSV file.
     *
     * @return inputs N x in, targets N x out; the name is the file name, and the classes are the
     *     label classes in target-column order (empty without a label column)
     * @throws DataFormatException when the file is missing or not numbers as the options describe
     */
    public static Dataset read(Path file, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        String where = file.toString();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Parser(where, options).parse(r, file.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new DataFormatException(where + ": no such file", e);
        }
    }

    /** The value of a plain decimal number (no exponent), or NaN when the text is anything else. */
    static double fastParse(CharSequence s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                // 15 digits stay below 2^53, so the mantissa is an exact double
                if (++digits > 15) {
                    return Double.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        // exact mantissa over an exact power of ten: one correctly rounded division, as parseDouble
        double v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
        return negative ? -v : v;
    }

    /** The value of a finite decimal number, or NaN when the text is anything else. */
    static double parseFinite(String s) {
        double v = fastParse(s, 0, s.length());
        if (v == v) {
            return v;
        }
        if (!DECIMAL.matcher(s).matches()) {
            return Double.NaN;
        }
        v = Double.parseDouble(s);
        return Double.isInfinite(v) ? Double.NaN : v;
    }

    /** One pass over one file. */
    private static final class Parser {

        private final String where;
        private final Options options;

        private int lineNo;
        private String line;

        // the text read ahead of the current line, and the line being assembled
        private final char[] buf = new char[1 << 16];
        private int bufPos;
        private int bufLen;
        private boolean skipLf; // the last line ended with \r: a \n next belongs to it
        private final StringBuilder lineText = new StringBuilder();

        // cells of the current line: [start, end) in line, or the unquoted text of a quoted cell
        private int cells;
        private int[] starts = new int[16];
        private int[] ends = new int[16];
        private String[] quoted = new String[16];

        // the column layout, fixed by the first line
        private int columns = -1;
        private int firstLine;
        private String[] names;
        private int labelIndex = -1;
        private int inputCols;
        private int targetCols;
        private int firstTarget; // columns from here on are targets (label mode: none)

        private int rows;
        private double[] x = new double[1024];
        private int xn;
        private double[] t = new double[0];
        private int tn;

        // labels: index into the class list (given) or into the discovery order (discovered)
        private int[] labels = new int[256];
        private final Map<String, Integer> classIndex = new HashMap<>();
        private final List<String> discovered = new ArrayList<>();

        Parser(String where, Options options) {
            this.where = where;
            this.options = options;
            if (options.classes() != null) {
                for (int i = 0; i < options.classes().size(); i++) {
                    classIndex.put(options.classes().get(i), i);
                }
            }
        }

        Dataset parse(BufferedReader r, String name) throws IOException {
            try {
                while ((line = nextLine(r)) != null) {
                    lineNo++;
                    if (lineNo == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    if (skipped(line)) {
                        continue;
                    }
                    split();
                    if (columns < 0) {
                        if (layout()) {
                            continue;
                        }
                    } else if (cells != columns) {
                        throw error(cells + " cells, expected " + columns + " like line " + firstLine);
                    }
                    row();
                }
            } catch (CharacterCodingException e) {
                throw new DataFormatException(where + ": not UTF-8 text (near line " + (lineNo + 1) + ")", e);
            }
            if (rows == 0) {
                throw new DataFormatException(where + ": no data rows");
            }
            return build(name);
        }

        /**
         * The next line without its end (\n, \r or \r\n, as {@link BufferedReader#readLine}), or null
         * at the end of the text; a line longer than {@link #MAX_LINE} is refused before it is read whole.
         */
        private String nextLine(Reader r) throws IOException {
            lineText.setLength(0);
            boolean any = false;
            while (true) {
                if (bufPos == bufLen) {
                    bufPos = 0;
                    bufLen = Math.max(0, r.read(buf, 0, buf.length));
                    if (bufLen == 0) {
                        return any ? lineText.toString() : null;
                    }
                }
                if (skipLf) {
                    skipLf = false;
                    if (buf[bufPos] == '\n') {
                        bufPos++;
                        continue;
                    }
                }
                any = true;
                int start = bufPos;
                while (bufPos < bufLen && buf[bufPos] != '\n' && buf[bufPos] != '\r') {
                    bufPos++;
                }
                if (lineText.length() + (bufPos - start) > MAX_LINE) {
                    line = lineText.toString();
                    lineNo++;
                    if (options.inputs() > 0) {
                        split(); // a line too wide for the network says so
                    }
                    throw error("line longer than " + MAX_LINE + " characters: is this a CSV text file?");
                }
                lineText.append(buf, start, bufPos - start);
                if (bufPos < bufLen) {
                    skipLf = buf[bufPos++] == '\r';
                    return lineText.toString();
                }
            }
        }

        private static boolean skipped(String line) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c > ' ') {
                    return c == '#';
                }
            }
            return true;
        }

        /** Splits {@link #line} into cells. */
        private void split() throws DataFormatException {
            String s = line;
            int len = s.length();
            int i = 0;
            cells = 0;
            while (true) {
                while (i < len && s.charAt(i) <= ' ') {
                    i++;
                }
                if (options.inputs() > 0 && cells == options.maxColumns()) {
                    throw error("more than " + cells + " columns, but the network takes " + options.inputs() + " inputs"
                            + (options.labelColumn() != null ? " (and the label column)"
                                    : " and has " + options.outputs() + " outputs"));
                }
                if (cells == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * cells);
                    ends = Arrays.copyOf(ends, 2 * cells);
                    quoted = Arrays.copyOf(quoted, 2 * cells);
                }
                if (i < len && s.charAt(i) == '"') {
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (true) {
                        if (i >= len) {
                            throw error("column " + (cells + 1) + ": quote not closed on this line");
                        }
                        char c = s.charAt(i++);
                        if (c != '"') {
                            b.append(c);
                        } else if (i < len && s.charAt(i) == '"') {
                            b.append('"');
                            i++;
                        } else {
                            break;
                        }
                    }
                    while (i < len && s.charAt(i) <= ' ') {
                        i++;
                    }
                    if (i < len && s.charAt(i) != ',') {
                        throw error("column " + (cells + 1) + ": text after the closing quote, expected a comma");
                    }
                    quoted[cells] = b.toString();
                } else {
                    int start = i;
                    int comma = s.indexOf(',', i);
                    i = comma < 0 ? len : comma;
                    int end = i;
                    while (end > start && s.charAt(end - 1) <= ' ') {
                        end--;
                    }
                    quoted[cells] = null;
                    starts[cells] = start;
                    ends[cells] = end;
                }
                cells++;
                if (i >= len) {
                    return;
                }
                i++; // the comma
            }
        }

        /** Fixes the columns from the first line; true when that line is a header. */
        private boolean layout() throws DataFormatException {
            columns = cells;
            firstLine = lineNo;
            labelIndex = options.labelIndex();
            boolean byName = options.labelColumn() != null && labelIndex < 0;
            if (labelIndex >= columns) {
                throw error("label column " + labelIndex + " is out of range: the lines have " + columns
                        + " columns (0-based indices 0-" + (columns - 1) + ")");
            }
            boolean header;
            if (options.header() != null) {
                header = options.header();
            } else if (byName) {
                header = true;
            } else {
                header = false;
                for (int j = 0; j < columns && !header; j++) {
                    header = j != labelIndex && !numberLike(j);
                }
            }
            if (header) {
                names = new String[columns];
                for (int j = 0; j < columns; j++) {
                    names[j] = text(j);
                }
            }
            if (byName) {
                labelIndex = Arrays.asList(names).indexOf(options.labelColumn());
                if (labelIndex < 0) {
                    throw error("no column named " + Excerpt.quote(options.labelColumn()) + " in the header of "
                            + columns + " columns " + Excerpt.list(Arrays.asList(names)));
                }
                if (Arrays.asList(names).lastIndexOf(options.labelColumn()) != labelIndex) {
                    throw error("the header names more than one column " + Excerpt.quote(options.labelColumn()));
                }
            }
            if (labelIndex >= 0) {
                targetCols = 0;
                inputCols = columns - 1;
                firstTarget = columns;
                if (inputCols < 1) {
                    throw error("only the label column: need at least one input column");
                }
            } else {
                targetCols = options.targetColumns();
                inputCols = columns - targetCols;
                firstTarget = inputCols;
                if (inputCols < 1) {
                    throw error(columns + " columns but " + targetCols
                            + " target columns: need at least one input column");
                }
                t = new double[Math.max(16, 16 * targetCols)];
            }
            return header;
        }

        /** Appends the current line as one sample. */
        private void row() throws DataFormatException {
            x = room(x, xn, inputCols);
            if (targetCols > 0) {
                t = room(t, tn, targetCols);
            }
            for (int j = 0; j < columns; j++) {
                if (j == labelIndex) {
                    label(j);
                } else if (j < firstTarget) {
                    x[xn++] = number(j);
                } else {
                    t[tn++] = number(j);
                }
            }
            rows++;
        }

        private void label(int j) throws DataFormatException {
            String text = text(j);
            if (text.isEmpty()) {
                throw error(column(j) + ": empty label, expected a class name");
            }
            Integer k = classIndex.get(text);
            if (k == null) {
                if (options.classes() != null) {
                    throw error(column(j) + ": label " + Excerpt.quote(text) + " is not one of the "
                            + options.classes().size() + " classes " + Excerpt.list(options.classes()));
                }
                if (discovered.size() == options.outputs() && options.outputs() > 0) {
                    throw error(column(j) + ": label " + Excerpt.quote(text) + " would be class " + (discovered.size() + 1)
                            + ", but the network has " + options.outputs() + " outputs");
                }
                k = discovered.size();
                discovered.add(text);
                classIndex.put(text, k);
            }
            if (rows == labels.length) {
                labels = Arrays.copyOf(labels, (int) Math.min(2L * rows, MAX_ARRAY));
            }
            labels[rows] = k;
        }

        /** The cell as a finite number, or an error saying why it is not one. */
        private double number(int j) throws DataFormatException {
            String q = quoted[j];
            double v = q != null ? fastParse(q, 0, q.length()) : fastParse(line, starts[j], ends[j]);
            if (v == v) {
                return v;
            }
            String s = text(j);
            if (s.isEmpty()) {
                throw error(column(j) + ": empty cell, expected a number");
            }
            if (DECIMAL.matcher(s).matches()) {
                v = Double.parseDouble(s);
                if (!Double.isInfinite(v)) {
                    return v;
                }
            } else if (!NON_FINITE.matcher(s).matches()) {
                throw error(column(j) + ": " + Excerpt.quote(s) + " is not a number");
            }
            throw error(column(j) + ": " + Excerpt.quote(s) + ": every value must be a finite number");
        }

        /** Whether the cell reads as a number, finite or not (for header detection). */
        private boolean numberLike(int j) {
            String s = text(j);
            double v = fastParse(s, 0, s.length());
            return v == v || DECIMAL.matcher(s).matches() || NON_FINITE.matcher(s).matches();
        }

        private String text(int j) {
            return quoted[j] != null ? quoted[j] : line.substring(starts[j], ends[j]);
        }

        private String column(int j) {
            String name = names == null ? "" : names[j];
            return "column " + (j + 1) + (name.isEmpty() ? "" : " (" + Excerpt.cut(name) + ")");
        }

        private DataFormatException error(String message) {
            return new DataFormatException(where + ":" + lineNo + ": " + message);
        }

        /** a, grown by doubling when n + more values do not fit. */
        private double[] room(double[] a, int n, int more) throws DataFormatException {
            long need = (long) n + more;
            if (need <= a.length) {
                return a;
            }
            if (need > MAX_ARRAY) {
                throw error("too many values for one matrix (more than " + MAX_ARRAY + ")");
            }
            int grown = (int) Math.min(Math.max(2L * a.length, need), MAX_ARRAY);
            Memory.require((long) grown * Double.BYTES, () -> where + " needs " + Memory.size((long) grown * Double.BYTES)
                    + " for its values up to line " + lineNo, DataFormatException::new);
            return Arrays.copyOf(a, grown);
        }

        private Dataset build(String name) throws DataFormatException {
            DMatrixRMaj inputs = DMatrixRMaj.wrap(rows, inputCols, trim(x, xn));
            if (labelIndex < 0) {
                DMatrixRMaj targets = DMatrixRMaj.wrap(rows, targetCols, trim(t, tn));
                return new Dataset(name, inputs, targets, List.of());
            }
            List<String> classes = options.classes();
            int[] order = null; // discovery index -> sorted index
            if (classes == null) {
                classes = sorted(discovered);
                Map<String, Integer> position = new LinkedHashMap<>();
                for (int i = 0; i < classes.size(); i++) {
                    position.put(classes.get(i), i);
                }
                order = new int[discovered.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = position.get(discovered.get(i));
                }
            }
            int k = classes.size();
            if ((long) rows * k > MAX_ARRAY) {
                throw new DataFormatException(where + ": " + rows + " rows of " + k + " classes are too many one-hot targets"
                        + " for one matrix (more than " + MAX_ARRAY + ")");
            }
            DataFormatException.requireMemory((long) rows * k * Double.BYTES, where, "the one-hot targets of " + rows + " rows and " + k + " classes");
            DMatrixRMaj targets = new DMatrixRMaj(rows, k);
            for (int i = 0; i < rows; i++) {
                targets.data[i * k + (order == null ? labels[i] : order[labels[i]])] = 1;
            }
            return new Dataset(name, inputs, targets, classes);
        }

        private static double[] trim(double[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }

        /** By numeric value when every label is a number ("10" after "9"), else as strings. */
        private static List<String> sorted(List<String> labels) {
            List<String> out = new ArrayList<>(labels);
            if (out.stream().allMatch(s -> !Double.isNaN(parseFinite(s)))) {
                out.sort(Comparator.comparingDouble(CsvReader::parseFinite).thenComparing(Comparator.naturalOrder()));
            } else {
                out.sort(Comparator.naturalOrder());
            }
            return List.copyOf(out);
        }
    }
}
