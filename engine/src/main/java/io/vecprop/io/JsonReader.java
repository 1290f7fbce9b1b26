package io.vecprop.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON reader: objects become LinkedHashMap, arrays List, numbers
 * Double (or Long when integral without a fraction or exponent; BigInteger when beyond long), true/false Boolean, null null.
 * A key given twice in one object is an error (so a file cannot say two things about one name).
 * Reads the JSON that JMH writes.
 */
public final class JsonReader {

    private final String s;
    private int i;

    private JsonReader(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        JsonReader p = new JsonReader(text);
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) {
            throw new IllegalArgumentException("trailing text at " + p.i + ": " + Excerpt.quote(text.substring(p.i)));
        }
        return v;
    }

    /** The character at k, or an error saying the text ended there (truncated JSON). */
    private char at(int k) {
        if (k >= s.length()) {
            throw new IllegalArgumentException("it ends early, at character " + s.length());
        }
        return s.charAt(k);
    }

    private Object value() {
        ws();
        char c = at(i);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (at(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            if (m.containsKey(key)) {
                throw new IllegalArgumentException("duplicate key " + key);
            }
            m.put(key, value());
            ws();
            if (at(i) == ',') {
                i++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        i++;
        ws();
        if (at(i) == ']') {
            i++;
            return list;
        }
        while (true) {
            list.add(value());
            ws();
            if (at(i) == ',') {
                i++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (at(i) != '"') {
            char c = at(i++);
            if (c == '\\') {
                char e = at(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        at(i + 3);
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    case '"', '\\', '/' -> sb.append(e);
                    default -> throw new IllegalArgumentException("bad escape \\" + e + " at " + (i - 1));
                }
            } else {
                sb.append(c);
            }
        }
        i++;
        return sb.toString();
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(at(i)) >= 0) {
            i++;
        }
        String t = s.substring(start, i);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("unexpected '" + at(i) + "' at " + i);
        }
        if (!t.matches("-?\\d+")) {
            return Double.parseDouble(t);
        }
        // an integer beyond long (a forged offset of 2^70) stays exact, so a reader can say it is out of range
        java.math.BigInteger big = new java.math.BigInteger(t);
        return big.bitLength() < 64 ? (Object) big.longValueExact() : big;
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, i)) {
            throw new IllegalArgumentException("expected " + word + " at " + i);
        }
        i += word.length();
        return value;
    }

    private void expect(char c) {
        if (at(i) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + " but found '" + at(i) + "'");
        }
        i++;
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(at(i))) {
            i++;
        }
    }
}
