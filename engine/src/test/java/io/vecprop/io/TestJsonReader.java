package io.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestJsonReader {

    @Test
    void readsEveryStandardEscape() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\uD83D\uDE00",
                JsonReader.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
    }

    @Test
    void rejectsAnUnknownEscape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("\"a\\xb\""));
        assertTrue(e.getMessage().contains("bad escape \\x"), e.getMessage());
    }

    @Test
    void rejectsAKeyGivenTwiceEvenWhenTheFirstValueIsNull() {
        assertEquals(Map.of("a", 1L, "b", 2L), JsonReader.parse("{\"a\": 1, \"b\": 2}"));
        for (String json : new String[] {"{\"a\": 1, \"a\": 2}", "{\"a\": null, \"a\": 2}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(json));
            assertEquals("duplicate key a", e.getMessage());
        }
    }

    @Test
    void truncatedTextIsAnErrorOfItsOwnNotAnIndexOutOfBounds() {
        for (String json : new String[] {"", "{", "{\"a\": ", "{\"a\": 1", "{\"a\": 1,", "[1, 2", "\"abc", "\"a\\", "\"\\u00",
            "tru", "{\"event\": \"epoch\", \"epoch\": "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(json), json);
            assertTrue(e.getMessage().contains("it ends early, at character " + json.length()) || e.getMessage().contains("expected"),
                    json + ": " + e.getMessage());
        }
    }
}
