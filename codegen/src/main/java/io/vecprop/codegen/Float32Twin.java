package io.vecprop.codegen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the source of a double-precision class into its float32 twin, as EJML derives its
 * {@code _FDRM} code from its {@code _DDRM} code: text in, text out, so it is tested alone.
 *
 * <p>Every line is rewritten by these rules, in code, comments and strings alike:
 * <ul>
 *   <li>types: {@code double} to {@code float}, {@code Double} to {@code Float}, {@code DoubleVector}
 *       to {@code FloatVector}, {@code LongVector} to {@code IntVector} (a float's bits are an int),
 *       {@code DMatrixRMaj} to {@code FMatrixRMaj}, EJML's {@code X_DDRM} to {@code X_FDRM}
 *       ({@code CommonOps_DDRM} to {@code CommonOps_FDRM}), and the bit views to their float forms;
 *   <li>the classes being twinned, each to its twin ({@code Network} to {@code NetworkF32}).
 * </ul>
 * and in code only (not in comments or string literals):
 * <ul>
 *   <li>floating-point literals get the {@code f} suffix ({@code 1.0} to {@code 1.0f});
 *   <li>{@code Math} functions that exist only for double ({@code exp}, {@code log}, {@code sqrt},
 *       ...) are narrowed: {@code Math.exp(x)} to {@code (float) Math.exp(x)}. {@code Math.fma},
 *       {@code abs}, {@code max} and {@code min} have float overloads and are left alone.
 * </ul>
 * Markers in the double source say what the rules cannot know. Float-only code is written as the
 * twin has it, and is not rewritten. At the end of one line:
 * <ul>
 *   <li>{@code //@f32 code}: the twin has {@code code} on this line instead, with the line's
 *       indentation (a line that holds only the marker is a line only the twin has), or nothing
 *       when code is empty;
 *   <li>{@code //@keep}: the line keeps its precision, so a double stays double (an accumulator
 *       that sums a whole epoch, a learning rate read from options); class names are still renamed.
 * </ul>
 * Around lines, for more than one, each marker alone on its line:
 * <pre>
 * //@f64 {          lines only the double source has: the twin drops them
 * //@} else {       optional: the float-only lines that take their place follow
 * // float code     each a line comment, {@code // } after the indentation; the twin has the code
 * //@}
 *
 * //@f32 {          float-only lines, without double ones before them
 * //@}
 *
 * //@keep {         lines that keep their precision, as if each had {@code //@keep};
 * //@}              {@code //@f32 code} still replaces a line inside
 * </pre>
 * In the {@code SimdExp} source, for example, the float exp's shorter polynomial sits under the
 * double one it replaces:
 * <pre>
 * //@f64 {
 * DoubleVector p = u.fma(E11, E10);
 * p = p.fma(u, DoubleVector.broadcast(S, E9));
 * ...
 * //@} else {
 * // FloatVector p = u.fma(E6, E5);
 * //@}
 * p = p.fma(u, DoubleVector.broadcast(S, E4));
 * </pre>
 * A float-only line {@code //} alone is an empty line. Blocks do not nest, each is closed, and it
 * holds whole comments (a block comment opened inside closes inside). Any other {@code //@} marker
 * is an error, so a typo cannot pass silently. The annotation that asked for the twin and its
 * import are dropped, and a header says where the twin came from.
 */
public final class Float32Twin {

    /** A line's replacement in the twin. */
    public static final String REPLACE = "//@f32";
    /** A line that keeps its precision. */
    public static final String KEEP = "//@keep";
    /** Opens a block of lines only the double source has. */
    public static final String DOUBLE_ONLY = "//@f64 {";
    /** Opens a block of lines only the twin has, each a line comment in the double source. */
    public static final String FLOAT_ONLY = "//@f32 {";
    /** Opens a block of lines that keep their precision. */
    public static final String KEEP_BLOCK = "//@keep {";
    /** Ends a double-only block and opens the float-only block that replaces it. */
    public static final String ELSE = "//@} else {";
    /** Ends a block. */
    public static final String END = "//@}";
    /** The annotation that asks for a twin, by its simple name. */
    static final String ANNOTATION = "GenerateF32";

    /** The type words, double to float. */
    static final Map<String, String> TYPES = Map.of(
            "double", "float",
            "Double", "Float",
            "DoubleVector", "FloatVector",
            "LongVector", "IntVector",
            "DMatrixRMaj", "FMatrixRMaj",
            "doubleToRawLongBits", "floatToRawIntBits",
            "doubleToLongBits", "floatToIntBits",
            "longBitsToDouble", "intBitsToFloat");

    /** EJML's double classes by their suffix ({@code CommonOps_DDRM}): the float ones end in {@code _FDRM}. */
    private static final Pattern EJML_DOUBLE = Pattern.compile("\\b(\\w+)_DDRM\\b");

    private static final Pattern MATH_DOUBLE_ONLY =
            Pattern.compile("(?<![\\w.])Math\\.(exp|expm1|log|log1p|log10|sqrt|cbrt|pow|tanh|sinh|cosh|sin|cos|tan|atan|atan2|hypot)\\(");

    /** A floating-point literal: decimal with a point or an exponent, or hexadecimal with a binary exponent. */
    private static final Pattern FLOAT_LITERAL = Pattern.compile(
            "(?<![\\w.$])("
            + "0[xX][0-9a-fA-F_]*\\.?[0-9a-fA-F_]*[pP][+-]?\\d+"
            + "|\\d[\\d_]*\\.(?:\\d[\\d_]*)?(?:[eE][+-]?\\d+)?"
            + "|\\.\\d[\\d_]*(?:[eE][+-]?\\d+)?"
            + "|\\d[\\d_]*[eE][+-]?\\d+"
            + "|\\d[\\d_]*(?=[dD])"
            + ")[dDfF]?(?![\\w.])");

    private final Pattern words;
    private final Map<String, String> renames;
    private final Map<String, String> all;

    /**
     * @param renames the simple names of every class being twinned, each to its twin's
     */
    public Float32Twin(Map<String, String> renames) {
        this.renames = Map.copyOf(renames);
        Map<String, String> m = new LinkedHashMap<>(TYPES);
        m.putAll(renames);
        this.all = m;
        this.words = wordPattern(m);
    }

    private static Pattern wordPattern(Map<String, String> map) {
        List<String> keys = new ArrayList<>(map.keySet());
        keys.sort(Comparator.comparingInt(String::length).reversed());
        return Pattern.compile("\\b(" + String.join("|", keys.stream().map(Pattern::quote).toList()) + ")\\b");
    }

    /** What a block holds. */
    private enum Block { DOUBLE_ONLY, FLOAT_ONLY, KEEP }

    /**
     * The twin of a class's source.
     *
     * @param source the double class's whole file
     * @param fileName for messages and the header, such as {@code Network.java}
     * @throws IllegalArgumentException on an unknown or misplaced marker, an unclosed block or a
     *     text block, naming the line
     */
    public String transform(String source, String fileName) {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from ").append(fileName)
                .append(" by vecprop-codegen (Float32Twin): edit that file, not this one.\n");
        boolean inBlockComment = false;
        Block block = null;
        String opened = null; // where the open block began, for messages
        String[] lines = source.split("\n", -1);
        int last = lines.length - 1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = fileName + ":" + (i + 1) + ": ";
            if (line.contains("\"\"\"")) {
                throw new IllegalArgumentException(where + "text blocks are not supported in a class with a float twin");
            }
            String trimmed = line.trim();
            if (!inBlockComment && isBlockMarker(trimmed)) {
                if (trimmed.equals(END)) {
                    if (block == null) {
                        throw new IllegalArgumentException(where + END + " closes no block");
                    }
                    block = null;
                } else if (trimmed.equals(ELSE)) {
                    if (block != Block.DOUBLE_ONLY) {
                        throw new IllegalArgumentException(where + ELSE + " follows the lines of a " + DOUBLE_ONLY + " block only");
                    }
                    block = Block.FLOAT_ONLY;
                } else {
                    if (block != null) {
                        throw new IllegalArgumentException(where + trimmed + " inside the block opened at " + opened
                                + ": blocks do not nest");
                    }
                    block = trimmed.equals(DOUBLE_ONLY) ? Block.DOUBLE_ONLY
                            : trimmed.equals(FLOAT_ONLY) ? Block.FLOAT_ONLY : Block.KEEP;
                    opened = fileName + ":" + (i + 1);
                }
                continue;
            }
            if (block == Block.DOUBLE_ONLY) {
                if (markerStart(line) >= 0) {
                    throw new IllegalArgumentException(where + "a marker inside a " + DOUBLE_ONLY + " block, whose lines the twin drops: '"
                            + line.substring(markerStart(line)) + "'");
                }
                continue;
            }
            if (block == Block.FLOAT_ONLY) {
                if (!trimmed.startsWith("//") || trimmed.startsWith("//@")) {
                    throw new IllegalArgumentException(where + "a line of a float-only block is a line comment, '// code', "
                            + "with the code as the twin has it; found '" + trimmed + "'");
                }
                emit(out, uncomment(line), i, last);
                continue;
            }
            if (trimmed.equals("@" + ANNOTATION) || trimmed.startsWith("@" + ANNOTATION + "(")
                    || trimmed.matches("import\\s+[\\w.]*\\b" + ANNOTATION + "\\s*;")) {
                continue;
            }
            int marker = inBlockComment ? -1 : markerStart(line);
            if (marker < 0) {
                StringBuilder rewritten = new StringBuilder();
                inBlockComment = rewrite(line, inBlockComment, block == Block.KEEP, rewritten);
                emit(out, rewritten.toString(), i, last);
                continue;
            }
            String directive = line.substring(marker);
            String code = line.substring(0, marker).stripTrailing();
            if (directive.equals(KEEP) || directive.startsWith(KEEP + " ")) {
                StringBuilder kept = new StringBuilder();
                inBlockComment = rewrite(code, false, true, kept);
                emit(out, kept.toString(), i, last);
            } else if (directive.equals(REPLACE) || directive.startsWith(REPLACE + " ")) {
                String replacement = directive.substring(REPLACE.length()).trim();
                if (!replacement.isEmpty()) {
                    emit(out, indentation(line) + replacement, i, last);
                }
            } else {
                throw new IllegalArgumentException(where + "unknown marker '" + directive + "': the markers are "
                        + REPLACE + " <code> and " + KEEP + " at the end of a line, and " + DOUBLE_ONLY + ", "
                        + FLOAT_ONLY + ", " + KEEP_BLOCK + ", " + ELSE + " and " + END + " alone on one");
            }
        }
        if (block != null) {
            throw new IllegalArgumentException(opened + ": the block opened here is not closed by " + END);
        }
        return out.toString();
    }

    private static boolean isBlockMarker(String trimmed) {
        return trimmed.equals(DOUBLE_ONLY) || trimmed.equals(FLOAT_ONLY) || trimmed.equals(KEEP_BLOCK)
                || trimmed.equals(ELSE) || trimmed.equals(END);
    }

    /** A line of the twin, and its line break unless it is the source's last line. */
    private static void emit(StringBuilder out, String line, int i, int last) {
        out.append(line);
        if (i < last) {
            out.append('\n');
        }
    }

    /** A float-only line: {@code <indentation>// code} is {@code <indentation>code}; {@code //} alone is an empty line. */
    private static String uncomment(String line) {
        String indentation = indentation(line);
        String rest = line.substring(indentation.length() + 2);
        if (rest.startsWith(" ")) {
            rest = rest.substring(1);
        }
        return rest.isBlank() ? "" : indentation + rest;
    }

    /** Where a {@code //@} marker starts in the line's code (outside strings), or -1. */
    private static int markerStart(String line) {
        boolean inString = false;
        boolean inChar = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString || inChar) {
                if (c == '\\') {
                    i++;
                } else if ((inString && c == '"') || (inChar && c == '\'')) {
                    inString = inChar = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '\'') {
                inChar = true;
            } else if (line.startsWith("//@", i)) {
                return i;
            } else if (line.startsWith("//", i)) {
                return line.indexOf("//@", i); // after a comment, at its end
            }
        }
        return -1;
    }

    /**
     * Rewrites one line into out (when keep, renaming the twinned classes only); returns whether a
     * block comment is still open at its end.
     */
    private boolean rewrite(String line, boolean inBlockComment, boolean keep, StringBuilder out) {
        int i = 0;
        int n = line.length();
        while (i < n) {
            if (inBlockComment) {
                int end = line.indexOf("*/", i);
                int stop = end < 0 ? n : end + 2;
                out.append(keep ? renameOnly(line.substring(i, stop)) : renameWords(line.substring(i, stop)));
                i = stop;
                inBlockComment = end < 0;
                continue;
            }
            // code up to the next comment, string or char literal
            int j = i;
            while (j < n) {
                char c = line.charAt(j);
                if (c == '"' || c == '\'' || line.startsWith("//", j) || line.startsWith("/*", j)) {
                    break;
                }
                j++;
            }
            out.append(keep ? renameOnly(line.substring(i, j)) : rewriteCode(line.substring(i, j)));
            if (j >= n) {
                break;
            }
            if (line.startsWith("//", j)) {
                out.append(keep ? renameOnly(line.substring(j)) : renameWords(line.substring(j)));
                break;
            }
            if (line.startsWith("/*", j)) {
                inBlockComment = true;
                out.append("/*");
                i = j + 2;
                continue;
            }
            // a string or char literal, escapes included
            char quote = line.charAt(j);
            int k = j + 1;
            while (k < n && line.charAt(k) != quote) {
                k += line.charAt(k) == '\\' ? 2 : 1;
            }
            k = Math.min(n, k + 1);
            out.append(keep ? renameOnly(line.substring(j, k)) : renameWords(line.substring(j, k)));
            i = k;
        }
        return inBlockComment;
    }

    private String rewriteCode(String code) {
        String s = renameWords(code);
        s = FLOAT_LITERAL.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "f"));
        s = MATH_DOUBLE_ONLY.matcher(s).replaceAll(m -> Matcher.quoteReplacement("(float) " + m.group()));
        return s;
    }

    private String renameWords(String text) {
        String s = words.matcher(text).replaceAll(m -> Matcher.quoteReplacement(all.get(m.group(1))));
        return EJML_DOUBLE.matcher(s).replaceAll("$1_FDRM");
    }

    private String renameOnly(String text) {
        if (renames.isEmpty()) {
            return text;
        }
        return wordPattern(renames).matcher(text).replaceAll(m -> Matcher.quoteReplacement(renames.get(m.group(1))));
    }

    private static String indentation(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return line.substring(0, i);
    }
}
