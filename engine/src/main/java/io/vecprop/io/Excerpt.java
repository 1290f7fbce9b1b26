package io.vecprop.io;

import java.util.List;

/** The one place that bounds what a message quotes: a cell or token, a list of names. */
public final class Excerpt {

    /** Characters of a cell or token a message shows. */
    static final int CHARS = 80;

    /** Items of a list a message shows. */
    static final int ITEMS = 10;

    private Excerpt() {}

    /** The text, or its first 80 characters and "...". */
    public static String cut(String text) {
        return text.length() <= CHARS ? text : text.substring(0, CHARS) + "...";
    }

    /** 'text' in quotes, cut to its first 80 characters: {@code 'abc...' (200000000 characters)}. */
    public static String quote(String text) {
        return "'" + cut(text) + "'" + (text.length() <= CHARS ? "" : " (" + text.length() + " characters)");
    }

    /** The items joined by commas, at most 10 of them, each cut: "a, b, c, ... (297 more)". */
    public static String list(List<?> items) {
        int shown = items.size() <= ITEMS ? items.size() : ITEMS - 1;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            b.append(i == 0 ? "" : ", ").append(cut(String.valueOf(items.get(i))));
        }
        return shown == items.size() ? b.toString() : b + ", ... (" + (items.size() - shown) + " more)";
    }
}
