package io.vecprop.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes an output so that nothing already there is lost: a regular file is written to a
 * temporary name beside it, then renamed over it, so a crash leaves the whole old or the whole new
 * file. What the target is decides how:
 * <ul>
 * <li>a symbolic link is followed, and the file it points to is written that way (the link stays);
 * <li>a device, FIFO or socket (such as {@code /dev/stdout} or {@code /dev/null}) is written
 *     directly, as the user means, and never replaced by a regular file;
 * <li>a directory, a file this process may not write (mode 0444 for an ordinary user) or a folder
 *     it may not write into is refused, by name, before anything is written;
 * <li>a file that is replaced keeps its permissions.
 * </ul>
 * Temporary files are named {@code .NAME.PID.tmp}. A shutdown hook removes this process's on
 * SIGTERM or SIGINT, and each write removes those beside its target whose process has gone (left
 * by a kill -9).
 */
public final class AtomicFiles {

    /** Writes the content to the given path (a temporary file, or the target itself when it is special). */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    /** Temporary files being written now, removed by the shutdown hook if the JVM ends first. */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PENDING.forEach(AtomicFiles::deleteQuietly),
                "vecprop-temporary-files"));
    }

    private AtomicFiles() {}

    public static void write(Path file, Content content) throws IOException {
        Path target = resolveLinks(file);
        check(file, target);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            writeContent(file, target, content); // a device or FIFO: written as it is, never replaced
            return;
        }
        removeStaleTemporaries(target);
        Path tmp = temporary(target, ProcessHandle.current().pid());
        PENDING.add(tmp);
        try {
            writeContent(file, tmp, content);
            keepPermissions(target, tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            PENDING.remove(tmp);
        }
    }

    /** Runs content into path; a failure names file (the target), not our temporary: disk full, quota, I/O error. */
    private static void writeContent(Path file, Path path, Content content) throws IOException {
        try {
            content.writeTo(path);
        } catch (IOException e) {
            throw new IOException("could not write " + file + ": "
                    + (e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage()), e);
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Checks, before any work, that {@link #write} may write file: not a directory, not a file this
     * process may not write, not in a folder that is missing or that it may not write into.
     *
     * @throws IOException naming the file and the reason
     */
    public static void checkWritable(Path file) throws IOException {
        check(file, resolveLinks(file));
    }

    private static void check(Path file, Path target) throws IOException {
        String name = file.equals(target) ? file.toString() : file + " (a link to " + target + ")";
        if (Files.isDirectory(target)) {
            throw new IOException(name + " is a directory");
        }
        if (Files.exists(target)) {
            if (!Files.isWritable(target)) {
                throw new IOException(name + " is read-only (permission denied); make it writable or choose another file");
            }
            if (!Files.isRegularFile(target)) {
                return; // a device or FIFO is written in place: its folder need not be writable
            }
        }
        Path folder = target.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException(name + " is in a folder that does not exist");
        }
        if (!Files.isWritable(folder)) {
            throw new IOException(name + " cannot be written: its folder " + folder + " is not writable (permission denied)");
        }
    }

    /** The file that writing file would write: file itself, or what its chain of links ends in (absolute). */
    static Path resolveLinks(Path file) throws IOException {
        Path p = file.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == 40) {
                throw new IOException(file + ": too many levels of symbolic links");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
        }
        return p;
    }

    static Path temporary(Path target, long pid) {
        return target.resolveSibling("." + target.getFileName() + "." + pid + ".tmp");
    }

    /** Removes the temporaries of target whose process has gone. */
    private static void removeStaleTemporaries(Path target) {
        Pattern ours = Pattern.compile(Pattern.quote("." + target.getFileName() + ".") + "(\\d{1,18})\\.tmp");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            siblings.forEach(p -> {
                Matcher m = ours.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    deleteQuietly(p);
                }
            });
        } catch (IOException | SecurityException e) {
            // cleaning is a courtesy: a folder we cannot list fails the write itself, with its own message
        }
    }

    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (from != null && Files.exists(target)) {
            try {
                Files.setPosixFilePermissions(tmp, from.readAttributes().permissions());
            } catch (NoSuchFileException e) {
                // the target went away meanwhile: the new file keeps the default permissions
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do at exit
        }
    }
}
