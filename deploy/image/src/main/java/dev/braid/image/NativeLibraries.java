package dev.braid.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shared libraries (glibc, libstdc++, zlib, the dynamic loader …) that the JRE's ELF files and
 * /bin/sh link, found with the build machine's {@code ldd}. The image has no distribution under it,
 * so it carries exactly these, at the paths the binaries ask for: the loader at its absolute path
 * (e.g. /lib64/ld-linux-x86-64.so.2, written into every executable), the others by soname in the
 * multiarch directory ld.so searches without a cache (e.g. /lib/x86_64-linux-gnu).
 */
final class NativeLibraries {

    /** {@code libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)} */
    private static final Pattern RESOLVED = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(/\\S+)\\s+\\(0x[0-9a-f]+\\)");
    /** {@code /lib64/ld-linux-x86-64.so.2 (0x…)}: the loader, by absolute path */
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-f]+\\)");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found");

    private NativeLibraries() {}

    /**
     * Image path (without leading slash) → file on this machine, for everything the given ELF files
     * link; libraries inside {@code ownDir} (the JRE's own, found through its RUNPATH) are left out.
     */
    static Map<String, Path> linkedBy(List<Path> elfFiles, Path ownDir) {
        Map<String, Path> libraries = new TreeMap<>();
        for (Path elf : elfFiles) {
            for (String line : ldd(elf)) {
                Matcher notFound = NOT_FOUND.matcher(line);
                if (notFound.find()) {
                    if (inside(ownDir, notFound.group(1))) {
                        continue; // e.g. libawt → libjvm.so: the JVM has loaded it before it loads them
                    }
                    throw new IllegalStateException(elf + " links " + notFound.group(1) + ", which ldd cannot find");
                }
                Matcher resolved = RESOLVED.matcher(line);
                Matcher loader = LOADER.matcher(line);
                if (resolved.find()) {
                    Path file = Path.of(resolved.group(2));
                    if (!file.toAbsolutePath().normalize().startsWith(ownDir)) {
                        String dir = multiarchDir(file);
                        libraries.put(dir + "/" + resolved.group(1), real(file));
                    }
                } else if (loader.find()) {
                    Path file = Path.of(loader.group(1));
                    libraries.put(loader.group(1).substring(1), real(file));
                }
            }
        }
        return libraries;
    }

    private static boolean inside(Path dir, String fileName) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().equals(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ELF files of a JRE image: its launchers and every shared object. */
    static List<Path> elfFilesOf(Path jre) {
        try (Stream<Path> files = Files.walk(jre)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".so") || isElf(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** lib/x86_64-linux-gnu for /usr/lib/x86_64-linux-gnu/libstdc++.so.6 too: one directory in the image. */
    private static String multiarchDir(Path file) {
        String parent = file.getParent().getFileName().toString();
        return parent.equals("lib") || parent.equals("lib64") ? parent : "lib/" + parent;
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> ldd(Path elf) {
        try {
            Process ldd = new ProcessBuilder("ldd", elf.toString()).redirectErrorStream(true).start();
            String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ldd.waitFor(30, TimeUnit.SECONDS)) {
                ldd.destroyForcibly();
                throw new IllegalStateException("ldd " + elf + " did not finish");
            }
            // "not a dynamic executable" (exit 1) is fine for a static file: it links nothing
            return out.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the image build needs ldd (glibc's) on the build machine", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
