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
 *       {@code DMatrixRMaj} to {@code FMatrixRMaj}, and the bit views to their float forms;
 *   <li>the classes being twinned, each to its twin ({@code Network} to {@code NetworkF32}).
 * </ul>
 * and in code only (not in comments or string literals):
 * <ul>
 *   <li>floating-point literals get the {@code f} suffix ({@code 1.0} to {@code 1.0f});
 *   <li>{@code Math} functions that exist only for double ({@code exp}, {@code log}, {@code sqrt},
 *       ...) are narrowed: {@code Math.exp(x)} to {@code (float) Math.exp(x)}. {@code Math.fma},
 *       {@code abs}, {@code max} and {@code min} have float overloads and are left alone.
 * </ul>
 * Two markers at the end of a line in the double source say what the rules cannot know:
 * <ul>
 *   <li>{@code //@f32 code}: the twin has {@code code} on this line instead (with the line's
 *       indentation; the twinned class names in it are renamed), or nothing when code is empty.
 *       For what float needs of its own: a shorter polynomial, an exponent bias of 127.
 *   <li>{@code //@keep}: the line keeps its precision, so a double stays double (an accumulator
 *       that sums a whole epoch, a learning rate read from options); class names are still renamed.
 * </ul>
 * Any other {@code //@} marker is an error, so a typo cannot pass silently. The annotation that
 * asked for the twin and its import are dropped, and a header says where the twin came from.
 */
public final class Float32Twin {

    /** A line's replacement in the twin. */
    public static final String REPLACE = "//@f32";
    /** A line that keeps its precision. */
    public static final String KEEP = "//@keep";
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

    /**
     * The twin of a class's source.
     *
     * @param source the double class's whole file
     * @param fileName for messages and the header, such as {@code Network.java}
     * @throws IllegalArgumentException on an unknown marker or a text block, naming the line
     */
    public String transform(String source, String fileName) {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from ").append(fileName)
                .append(" by vecprop-codegen (Float32Twin): edit that file, not this one.\n");
        boolean inBlockComment = false;
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = fileName + ":" + (i + 1) + ": ";
            if (line.contains("\"\"\"")) {
                throw new IllegalArgumentException(where + "text blocks are not supported in a class with a float twin");
            }
            String trimmed = line.trim();
            if (trimmed.equals("@" + ANNOTATION) || trimmed.startsWith("@" + ANNOTATION + "(")
                    || trimmed.matches("import\\s+[\\w.]*\\b" + ANNOTATION + "\\s*;")) {
                continue;
            }
            int marker = markerStart(line);
            if (marker >= 0 && !inBlockComment) {
                String directive = line.substring(marker);
                String code = line.substring(0, marker).stripTrailing();
                if (directive.equals(KEEP) || directive.startsWith(KEEP + " ")) {
                    out.append(renameOnly(code)).append('\n');
                } else if (directive.equals(REPLACE) || directive.startsWith(REPLACE + " ")) {
                    String replacement = directive.substring(REPLACE.length()).trim();
                    if (!replacement.isEmpty()) {
                        out.append(indentation(line)).append(renameOnly(replacement)).append('\n');
                    }
                } else {
                    throw new IllegalArgumentException(where + "unknown marker '" + directive
                            + "': the markers are " + REPLACE + " <code> and " + KEEP);
                }
                continue;
            }
            inBlockComment = rewrite(line, inBlockComment, out);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
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

    /** Rewrites one line into out; returns whether a block comment is still open at its end. */
    private boolean rewrite(String line, boolean inBlockComment, StringBuilder out) {
        int i = 0;
        int n = line.length();
        while (i < n) {
            if (inBlockComment) {
                int end = line.indexOf("*/", i);
                int stop = end < 0 ? n : end + 2;
                out.append(renameWords(line.substring(i, stop)));
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
            out.append(rewriteCode(line.substring(i, j)));
            if (j >= n) {
                break;
            }
            if (line.startsWith("//", j)) {
                out.append(renameWords(line.substring(j)));
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
            out.append(renameWords(line.substring(j, k)));
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
        return words.matcher(text).replaceAll(m -> Matcher.quoteReplacement(all.get(m.group(1))));
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
