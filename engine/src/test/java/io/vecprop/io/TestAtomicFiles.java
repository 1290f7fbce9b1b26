package io.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestAtomicFiles {

    @TempDir
    Path dir;

    @Test
    void aWriteThatFailsHalfWayLeavesTheOldFileAndNoTemporaryFileAndNamesTheTarget() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "the good model");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(new byte[100_000]); // half a model reaches the disk...
                throw new IOException("No space left on device");  // ...then the write fails
            }
        }));
        assertEquals("could not write " + file + ": No space left on device", e.getMessage());
        assertEquals("the good model", Files.readString(file));
        assertEquals(List.of(file), list());
    }

    @Test
    void aWriteThatSucceedsReplacesTheFile() throws IOException {
        Path file = dir.resolve("out.csv");
        Files.writeString(file, "old");
        AtomicFiles.writeString(file, "new");
        assertEquals("new", Files.readString(file));
        assertEquals(List.of(file), list());
    }

    @Test
    void aSymbolicLinkIsFollowedAndStaysALink() throws IOException {
        Path real = Files.writeString(dir.resolve("real.safetensors"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), real.getFileName());
        Path linkToLink = Files.createSymbolicLink(dir.resolve("link2.safetensors"), link);
        AtomicFiles.writeString(linkToLink, "new");
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(linkToLink));
        assertEquals("new", Files.readString(real));
        assertEquals(List.of(link, linkToLink, real), list());
    }

    @Test
    void aFifoIsWrittenThroughNotReplacedByAFile() throws Exception {
        Path fifo = dir.resolve("pipe");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return new String(in.readAllBytes());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        AtomicFiles.writeString(fifo, "through the pipe");
        assertEquals("through the pipe", read.get(10, TimeUnit.SECONDS));
        assertFalse(Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        assertEquals(List.of(fifo), list());
    }

    @Test
    void aDeviceIsWrittenInPlace() throws Exception {
        // a node of the null device of our own (never the system's /dev/null: a regression would replace it)
        Path device = dir.resolve("null");
        Assumptions.assumeTrue(new ProcessBuilder("mknod", "-m", "666", device.toString(), "c", "1", "3").start().waitFor() == 0,
                "mknod (needs root)");
        AtomicFiles.writeString(device, "nothing");
        assertTrue(Files.exists(device) && !Files.isRegularFile(device) && !Files.isDirectory(device), "still a device");
        assertEquals(0, Files.size(device));
        assertEquals(List.of(device), list());
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.writeString(file, "new");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("new", Files.readString(file));
    }

    @Test
    void aDirectoryIsRefusedByName() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("models"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(sub, "x"));
        assertEquals(sub + " is a directory", e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }

    @Test
    void aReadOnlyFileIsRefusedForWhoeverMayNotWriteItAndKeptAsItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "the good model");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // the folder is writable
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(file, "new"));
            assertTrue(e.getMessage().startsWith(file + " is read-only (permission denied)"), e.getMessage());
        } else {
            // root may write anything: the refusal is shown by an ordinary user's child process
            Assumptions.assumeTrue(runAsNobody() == 0, "setpriv and a class path an ordinary user can read");
            assertEquals(3, runAsNobody(file.toString()));
        }
        assertEquals("the good model", Files.readString(file));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), list());
    }

    @Test
    void aFolderThatMayNotBeWrittenIntoIsRefusedByName() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path file = folder.resolve("model.safetensors");
        if (!"root".equals(System.getProperty("user.name"))) {
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(file));
            assertEquals(file + " cannot be written: its folder " + folder.toAbsolutePath() + " is not writable (permission denied)",
                    e.getMessage());
        } else {
            Assumptions.assumeTrue(runAsNobody() == 0, "setpriv and a class path an ordinary user can read");
            assertEquals(3, runAsNobody(file.toString()));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void staleTemporariesOfGoneProcessesAreRemovedByTheNextWrite() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "old");
        long gone = deadPid();
        Path stale = Files.writeString(AtomicFiles.temporary(file.toAbsolutePath(), gone), "half a model");
        Path live = Files.writeString(AtomicFiles.temporary(file.toAbsolutePath(), ProcessHandle.current().parent()
                .orElseThrow().pid()), "someone else's write in progress");
        Path other = Files.writeString(dir.resolve(".other.safetensors." + gone + ".tmp"), "another target's");
        AtomicFiles.writeString(file, "new");
        assertEquals("new", Files.readString(file));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(live), "a live process's temporary stays");
        assertTrue(Files.exists(other), "another target's temporary stays");
    }

    @Test
    void theShutdownHookRemovesATemporaryWhenTheJvmIsTerminated() throws Exception {
        // a child JVM writes forever into a temporary; SIGTERM ends it; nothing of it stays
        Path file = dir.resolve("model.safetensors");
        ProcessBuilder pb = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(),
                file.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Path tmp = AtomicFiles.temporary(file.toAbsolutePath(), p.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(tmp) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(tmp), "the child started its write");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(List.of(), list());
    }

    /** A child that writes a temporary that never ends. */
    public static final class SlowWriter {
        public static void main(String[] args) throws IOException {
            AtomicFiles.write(Path.of(args[0]), tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    while (true) {
                        out.write(new byte[1024]);
                        out.flush();
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
    }

    private int runAsNobody(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                java(), "-cp", classPath(), AtomicFilesProbe.class.getName()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1; // no setpriv
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The module's own classes, which an ordinary user can read (the test class path's jars sit in root's home). */
    private static String classPath() {
        return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + Path.of("target/test-classes").toAbsolutePath();
    }

    private static long deadPid() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private List<Path> list() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
