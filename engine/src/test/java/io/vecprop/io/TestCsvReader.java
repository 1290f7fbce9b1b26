package io.vecprop.io;

import io.vecprop.data.Dataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecprop.io.CsvReader.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCsvReader {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private Dataset read(String text, Options options) throws IOException {
        return CsvReader.read(write("data.csv", text), options);
    }

    /** The message of the error reading text, checked to start with the file and line and to hold the words. */
    private String fails(String text, Options options, int line, String... words) throws IOException {
        Path file = write("data.csv", text);
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(file, options));
        String prefix = line > 0 ? file + ":" + line + ": " : file + ": ";
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected '" + prefix + "...', got: " + e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "expected '" + w + "' in: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static void assertMatrix(double[][] expected, DMatrixRMaj m) {
        assertEquals(expected.length, m.numRows, "rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, m.numCols, "columns");
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], m.get(i, j), "at " + i + "," + j);
            }
        }
        assertEquals(m.numRows * m.numCols, m.data.length, "data array trimmed to the matrix size");
    }

    // ---------------------------------------------------------------- good files

    @Test
    void lastTargetColumnsWithHeader() throws IOException {
        Dataset d = read("x1,x2,y\n1,2.5,3\n-4,0.125,6e2\n", Options.targets(1));
        assertEquals("data.csv", d.name());
        assertMatrix(new double[][] {{1, 2.5}, {-4, 0.125}}, d.inputs());
        assertMatrix(new double[][] {{3}, {600}}, d.targets());
        assertFalse(d.hasClasses());
        assertEquals(List.of(), d.classes());
    }

    @Test
    void noHeaderTwoTargets() throws IOException {
        Dataset d = read("1,2,3,4\n5,6,7,8\n9,10,11,12\n", Options.targets(2));
        assertMatrix(new double[][] {{1, 2}, {5, 6}, {9, 10}}, d.inputs());
        assertMatrix(new double[][] {{3, 4}, {7, 8}, {11, 12}}, d.targets());
    }

    @Test
    void inputsOnly() throws IOException {
        Dataset d = read("a,b\n0.5,-1.5\n", Options.inputsOnly());
        assertMatrix(new double[][] {{0.5, -1.5}}, d.inputs());
        assertEquals(1, d.targets().numRows);
        assertEquals(0, d.targets().numCols);
    }

    @Test
    void headerAutoDetection() throws IOException {
        // one non-number cell makes the first line a header
        assertEquals(1, read("1,b\n2,3\n", Options.targets(1)).size());
        // numbers only: data, including quoted numbers, exponents and signs
        Dataset d = read("\"1\",+2,-3E-1\n4,5,6\n", Options.targets(1));
        assertMatrix(new double[][] {{1, 2}, {4, 5}}, d.inputs());
        assertMatrix(new double[][] {{-0.3}, {6}}, d.targets());
    }

    @Test
    void headerForced() throws IOException {
        Dataset on = read("1,2\n3,4\n", Options.targets(1).withHeader(true));
        assertMatrix(new double[][] {{3}}, on.inputs());
        String m = fails("1,2\nx,4\n", Options.targets(1).withHeader(false), 2, "column 1", "'x' is not a number");
        assertFalse(m.contains("("), m); // no header, so no column name
    }

    @Test
    void labelByNameWithStringLabels() throws IOException {
        Dataset d = read("""
                sepal,petal,species
                5.1,1.4,"setosa"
                6.3,6.0,virginica
                5.9,4.2,versicolor
                4.9,1.5,setosa
                """, Options.label("species"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classes());
        assertMatrix(new double[][] {{5.1, 1.4}, {6.3, 6.0}, {5.9, 4.2}, {4.9, 1.5}}, d.inputs());
        assertMatrix(new double[][] {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}}, d.targets());
    }

    @Test
    void labelByIndexInTheMiddle() throws IOException {
        // the label column may sit anywhere; the other columns stay inputs in order
        Dataset d = read("1,b,2\n3,a,4\n", Options.label("1"));
        assertEquals(List.of("a", "b"), d.classes());
        assertMatrix(new double[][] {{1, 2}, {3, 4}}, d.inputs());
        assertMatrix(new double[][] {{0, 1}, {1, 0}}, d.targets());
    }

    @Test
    void numericLabelsSortByValue() throws IOException {
        Dataset d = read("0.5,10\n0.25,9\n0.75,-1\n1,9\n", Options.label("1"));
        assertEquals(List.of("-1", "9", "10"), d.classes());
        assertMatrix(new double[][] {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {0, 1, 0}}, d.targets());
        assertMatrix(new double[][] {{0.5}, {0.25}, {0.75}, {1}}, d.inputs());
    }

    @Test
    void labelColumnZeroWithHeaderAutoDetected() throws IOException {
        // the label column is left out of header detection: "7" is a label, "0" and "255" numbers
        Dataset d = read("label,p1,p2\n7,0,255\n", Options.label("0"));
        assertEquals(List.of("7"), d.classes());
        assertMatrix(new double[][] {{0, 255}}, d.inputs());
        Dataset noHeader = read("cat,0,255\ndog,1,2\n", Options.label("0"));
        assertEquals(2, noHeader.size());
        assertEquals(List.of("cat", "dog"), noHeader.classes());
    }

    @Test
    void fixedClassList() throws IOException {
        Dataset d = read("1,b\n2,b\n", Options.label("1").withClasses(List.of("c", "b", "a")));
        assertEquals(List.of("c", "b", "a"), d.classes());
        assertMatrix(new double[][] {{0, 1, 0}, {0, 1, 0}}, d.targets());
    }

    @Test
    void quotesCommentsBlankLinesBomCrlf() throws IOException {
        String text = "\uFEFF# a comment\r\n\r\n  x , \"the \"\"y\"\", quoted\" \r\n"
                + "1 ,\t2\r\n   \r\n  # another\r\n3,4\r\n";
        Dataset d = read(text, Options.targets(1));
        assertMatrix(new double[][] {{1}, {3}}, d.inputs());
        assertMatrix(new double[][] {{2}, {4}}, d.targets());
        // the quoted header name, unescaped, names the column in messages; lines count the skipped ones
        fails(text + "5,z\r\n", Options.targets(1), 8, "column 2 (the \"y\", quoted)", "'z' is not a number");
    }

    @Test
    void bomBeforeHeaderName() throws IOException {
        Dataset d = read("\uFEFFspecies,x\na,1\n", Options.label("species"));
        assertEquals(List.of("a"), d.classes());
    }

    @Test
    void quotedLabelWithComma() throws IOException {
        Dataset d = read("1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n", Options.label("1"));
        assertEquals(List.of("a, b", "say \"hi\""), d.classes());
    }

    @Test
    void numbersBitIdenticalToParseDouble() throws IOException {
        Random rnd = new Random(42);
        StringBuilder b = new StringBuilder();
        String[] fixed = {"0", "-0", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456789",
            "9007199254740993", "0.000000000000000000000001", "1e-320", "1.7976931348623157e308", "00012.5000",
            "5.", ".5", "-.5", "+7", "3.14159265358979", "2.2250738585072014E-308"};
        for (String f : fixed) {
            b.append(f).append('\n');
        }
        for (int i = 0; i < 2000; i++) {
            long whole = rnd.nextLong() % 1_000_000_000L;
            int frac = rnd.nextInt(1_000_000);
            b.append(switch (i % 4) {
                case 0 -> Long.toString(whole);
                case 1 -> whole + "." + frac;
                case 2 -> Double.toString(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20));
                default -> "0." + String.format("%06d", frac) + rnd.nextInt(1000);
            }).append('\n');
        }
        String[] cells = b.toString().split("\n");
        Dataset d = read(b.toString(), Options.inputsOnly().withHeader(false));
        assertEquals(cells.length, d.size());
        for (int i = 0; i < cells.length; i++) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(cells[i])),
                    Double.doubleToRawLongBits(d.inputs().get(i, 0)), cells[i]);
        }
    }

    @Test
    void fastParseMatchesParseDouble() {
        for (String s : new String[] {"1", "-1", "0.1", "-0.0", "999999999999999", "12.34567890123", "0.000001"}) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)),
                    Double.doubleToRawLongBits(CsvReader.fastParse(s, 0, s.length())), s);
        }
        for (String s : new String[] {"", ".", "-", "1e5", "1.2.3", "0x10", "1d", "1234567890123456"}) {
            assertTrue(Double.isNaN(CsvReader.fastParse(s, 0, s.length())), s);
        }
    }

    @Test
    void largeFileGrowsBuffers() throws IOException {
        StringBuilder b = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 5000; i++) {
            b.append(i).append(',').append(i % 256).append(',').append(i * 0.5).append('\n');
        }
        Dataset d = read(b.toString(), Options.targets(1));
        assertEquals(5000, d.size());
        assertEquals(4999, d.inputs().get(4999, 0));
        assertEquals(4999 % 256, d.inputs().get(4999, 1));
        assertEquals(2499.5, d.targets().get(4999, 0));
        assertEquals(10000, d.inputs().data.length);
        assertEquals(5000, d.targets().data.length);
    }

    // ---------------------------------------------------------------- bad files

    @Test
    void raggedRow() throws IOException {
        fails("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n", Options.targets(1), 3, "4 cells, expected 5 like line 1");
        fails("# c\n1,2\n1,2,3\n", Options.targets(1), 3, "3 cells, expected 2 like line 2");
    }

    @Test
    void nonNumericCell() throws IOException {
        fails("x1,x2,x3\n1,2,abc\n", Options.targets(0), 2, "column 3 (x3): 'abc' is not a number");
        fails("1,2,3\n1,2,3\n4,5,1d\n", Options.targets(0), 3, "column 3: '1d' is not a number");
        fails("1,2,0x10\n", Options.targets(0).withHeader(false), 1, "column 3: '0x10' is not a number");
        fails("x,y\n1,\n", Options.targets(1), 2, "column 2 (y): empty cell, expected a number");
    }

    @Test
    void nonFiniteValues() throws IOException {
        fails("1,2\n3,NaN\n", Options.targets(1), 2, "column 2: 'NaN': every value must be a finite number");
        fails("1,2\n-Infinity,1\n", Options.targets(1), 2, "column 1: '-Infinity'", "finite");
        fails("1,2\n1e400,1\n", Options.targets(1), 2, "column 1: '1e400'", "finite");
        // NaN counts as a number for header detection, so line 1 is data and the error is there
        fails("NaN,1\n", Options.targets(1), 1, "'NaN': every value must be a finite number");
    }

    @Test
    void noDataRows() throws IOException {
        String m = fails("", Options.targets(1), 0, "no data rows");
        assertTrue(m.endsWith("data.csv: no data rows"), m);
        fails("# only a comment\n\n", Options.targets(1), 0, "no data rows");
        fails("a,b\n", Options.targets(1), 0, "no data rows");
    }

    @Test
    void labelColumnOutOfRangeOrUnknown() throws IOException {
        fails("1,2,3\n", Options.label("3"), 1, "label column 3 is out of range", "3 columns");
        fails("a,b,c\n1,2,x\n", Options.label("species"), 1, "no column named 'species'", "in the header of 3 columns a, b, c");
    }

    @Test
    void tooFewInputColumns() throws IOException {
        fails("1,2\n", Options.targets(2), 1, "2 columns but 2 target columns", "at least one input column");
        fails("a\nb\n", Options.label("0"), 1, "at least one input column");
    }

    @Test
    void labelOutsideFixedClasses() throws IOException {
        fails("x,species\n1,setosa\n2,virginca\n", Options.label("species").withClasses(List.of("setosa", "virginica")),
                3, "column 2 (species): label 'virginca' is not one of the 2 classes setosa, virginica");
    }

    @Test
    void emptyLabel() throws IOException {
        fails("1,a\n2,\n", Options.label("1"), 2, "column 2", "empty label");
        fails("1,a\n2,\"\"\n", Options.label("1"), 2, "empty label");
    }

    @Test
    void badQuotes() throws IOException {
        fails("1,\"abc\n", Options.label("1"), 1, "column 2", "quote not closed");
        fails("1,\"a\"b\n", Options.label("1"), 1, "column 2", "text after the closing quote");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.csv");
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(file, Options.targets(1)));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void notUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin.csv"), new byte[] {'1', ',', (byte) 0xE9, '\n'});
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(file, Options.label("1")));
        assertTrue(e.getMessage().startsWith(file + ": not UTF-8"), e.getMessage());
    }

    @Test
    void optionsValidation() {
        assertThrows(IllegalArgumentException.class, () -> Options.targets(-1));
        assertThrows(IllegalArgumentException.class, () -> new Options("x", 1, null, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Options.label(" "));
        assertThrows(IllegalArgumentException.class, () -> Options.label("species").withHeader(false));
        assertThrows(IllegalArgumentException.class, () -> Options.targets(1).withClasses(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> Options.label("0").withClasses(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Options.label("0").withClasses(List.of("a", "a")));
        assertEquals(4, Options.label(" 4 ").labelIndex());
        assertEquals(-1, Options.label("species").labelIndex());
        assertArrayEquals(new Object[] {"a", "b"}, Options.label("0").withClasses(List.of("a", "b")).classes().toArray());
    }

    @Test
    void aLongTokenIsQuotedToItsFirstEightyCharacters() throws IOException {
        String token = "a".repeat(1_000_000);
        String m = fails("1,2\n3," + token + "\n", Options.targets(1), 2, "'" + "a".repeat(80) + "...' (1000000 characters)",
                "is not a number");
        assertTrue(m.length() < 300, m);
    }

    @Test
    void listsInMessagesShowAtMostTenItems() throws IOException {
        List<String> classes = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "c" + i).toList();
        String m = fails("1,zz\n", Options.label("1").withClasses(classes), 1,
                "label 'zz' is not one of the 300 classes c0, c1, c2, c3, c4, c5, c6, c7, c8, ... (291 more)");
        assertTrue(m.length() < 300, m);
        String header = String.join(",", classes);
        m = fails(header + "\n" + "1,".repeat(299) + "1\n", Options.label("y"), 1,
                "no column named 'y' in the header of 300 columns c0, c1, c2, c3, c4, c5, c6, c7, c8, ... (291 more)");
        assertTrue(m.length() < 300, m);
    }
}
