package dev.braid.image;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds Braid's image from the shaded server jar, with no base image: four layers, from the least to
 * the most often changed, so a new build of the server re-ships only the jar's and launcher's layers.
 * <ol>
 *   <li>{@code os}: /bin/sh (the build machine's dash: the launcher is a shell script), the glibc,
 *       libstdc++ and zlib files the JRE links, /etc/passwd and /etc/group with user {@code braid}
 *       (10001), /etc/nsswitch.conf, /tmp (1777) and /var/lib/braid (the working directory, owned
 *       by braid: the default H2 database lands in ./data there)</li>
 *   <li>{@code jre}: a JRE made by jlink from the building JDK, with {@link #MODULES}</li>
 *   <li>{@code app}: /opt/braid/lib/braid-server.jar</li>
 *   <li>{@code launcher}: /opt/braid/bin/braid-server (the entrypoint) and /opt/braid/config/jvm.options</li>
 * </ol>
 * Run: {@code java dev.braid.image.ImageBuilder --jar J --launcher L --jvm-options O --out T --work W [--name N]}.
 */
public final class ImageBuilder {

    /**
     * The JRE's modules: what {@code jdeps --print-module-deps --multi-release 17} prints for the fat
     * jar (java.base, java.compiler, java.desktop, java.instrument, java.naming, java.net.http,
     * java.rmi, java.scripting, java.security.jgss, java.sql, jdk.jfr, jdk.management, jdk.net,
     * jdk.unsupported), plus the modules found only through ServiceLoader, which jdeps cannot see:
     * jdk.crypto.ec (TLS with EC keys: most provider APIs), jdk.zipfs (jar file systems) and
     * jdk.charsets. Listed, not computed: jdeps takes 45 s on the jar, the whole build budget.
     */
    static final List<String> MODULES = List.of(
            "java.base", "java.compiler", "java.desktop", "java.instrument", "java.naming", "java.net.http",
            "java.rmi", "java.scripting", "java.security.jgss", "java.sql", "jdk.jfr", "jdk.management",
            "jdk.net", "jdk.unsupported", "jdk.crypto.ec", "jdk.zipfs", "jdk.charsets");

    /**
     * java.desktop's native libraries for screens, sound, fonts and images: a headless server (the
     * launcher sets java.awt.headless) never loads them, and they link X11, ALSA, freetype, harfbuzz,
     * libjpeg, lcms and glib, which would double the os layer. java.desktop itself stays for
     * java.beans, which Jackson and Micronaut use.
     */
    static final List<String> DESKTOP_NATIVES = List.of(
            "libawt_xawt.so", "libsplashscreen.so", "libjsound.so", "libfontmanager.so", "libjavajpeg.so",
            "liblcms.so", "libmlib_image.so", "libjawt.so");

    static final int UID = 10001;
    static final String JAVA_HOME = "opt/java";
    static final String BRAID_HOME = "opt/braid";
    static final String WORKDIR = "var/lib/braid";
    static final String ENTRYPOINT = "/" + BRAID_HOME + "/bin/braid-server";

    /** The inputs of one build. */
    public record Spec(Path serverJar, Path launcher, Path jvmOptions, Path output, Path workDir, String name) {}

    private ImageBuilder() {}

    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Spec spec = new Spec(
                Path.of(required(options, "--jar")),
                Path.of(required(options, "--launcher")),
                Path.of(required(options, "--jvm-options")),
                Path.of(required(options, "--out")),
                Path.of(required(options, "--work")),
                options.getOrDefault("--name", "braid:latest"));
        OciLayout.Image image = build(spec);
        System.out.println(describe(image));
    }

    public static OciLayout.Image build(Spec spec) {
        if (!Files.isRegularFile(spec.serverJar())) {
            throw new IllegalStateException("no server jar at " + spec.serverJar()
                    + ": build it first (./mvnw -DskipTests package)");
        }
        try {
            Files.createDirectories(spec.workDir());
            Path jre = jlink(spec.workDir().resolve("jre"));
            Path shell = Path.of("/bin/sh").toRealPath();
            List<Path> elves = new ArrayList<>(NativeLibraries.elfFilesOf(jre).stream()
                    .filter(f -> !DESKTOP_NATIVES.contains(f.getFileName().toString()))
                    .toList());
            elves.add(shell);
            Map<String, Path> libraries = NativeLibraries.linkedBy(elves, jre.toAbsolutePath().normalize());

            List<LayerEntry> os = new ArrayList<>();
            os.add(new LayerEntry.FileFrom("bin/sh", shell, 0755, 0));
            libraries.forEach((path, file) -> os.add(new LayerEntry.FileFrom(path, file, 0755, 0)));
            os.add(text("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"
                    + "braid:x:" + UID + ":" + UID + ":Braid:/" + WORKDIR + ":/sbin/nologin\n"));
            os.add(text("etc/group", "root:x:0:\nbraid:x:" + UID + ":\n"));
            os.add(text("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"));
            os.add(new LayerEntry.Directory("tmp", 01777, 0));
            os.add(new LayerEntry.Directory(WORKDIR, 0750, UID));

            List<LayerEntry> runtime = new ArrayList<>();
            try (Stream<Path> files = Files.walk(jre)) {
                for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                    String rel = jre.relativize(file).toString();
                    if (rel.isEmpty() || rel.equals(JLINK_STAMP)
                            || DESKTOP_NATIVES.contains(file.getFileName().toString())) {
                        continue;
                    }
                    String path = JAVA_HOME + "/" + rel;
                    if (Files.isDirectory(file)) {
                        runtime.add(new LayerEntry.Directory(path, 0755, 0));
                    } else {
                        runtime.add(new LayerEntry.FileFrom(path, file, Files.isExecutable(file) ? 0755 : 0644, 0));
                    }
                }
            }

            List<LayerEntry> app =
                    List.of(new LayerEntry.FileFrom(BRAID_HOME + "/lib/braid-server.jar", spec.serverJar(), 0644, 0));
            List<LayerEntry> launcher = List.of(
                    new LayerEntry.FileFrom(BRAID_HOME + "/bin/braid-server", spec.launcher(), 0755, 0),
                    new LayerEntry.FileFrom(BRAID_HOME + "/config/jvm.options", spec.jvmOptions(), 0644, 0));

            Path blobs = Files.createDirectories(spec.workDir().resolve("layers"));
            List<Layer> layers = List.of(
                    LayerWriter.write("os", os, blobs.resolve("os.tar.gz")),
                    LayerWriter.write("jre", runtime, blobs.resolve("jre.tar.gz")),
                    LayerWriter.write("app", app, blobs.resolve("app.tar.gz")),
                    LayerWriter.write("launcher", launcher, blobs.resolve("launcher.tar.gz")));

            OciLayout.RunConfig run = new OciLayout.RunConfig(
                    UID + ":" + UID,
                    List.of(ENTRYPOINT),
                    List.of(
                            "PATH=/" + JAVA_HOME + "/bin:/" + BRAID_HOME + "/bin:/bin",
                            "JAVA_HOME=/" + JAVA_HOME,
                            "BRAID_HOME=/" + BRAID_HOME,
                            "LANG=C.UTF-8"),
                    "/" + WORKDIR,
                    List.of("8080/tcp"),
                    new java.util.TreeMap<>(Map.of( // sorted: the same config digest on every build
                            "org.opencontainers.image.title", "braid",
                            "org.opencontainers.image.description", "Braid AI gateway server",
                            "org.opencontainers.image.version", spec.name().substring(spec.name().lastIndexOf(':') + 1))));
            Files.createDirectories(spec.output().toAbsolutePath().getParent());
            return OciLayout.write(spec.output(), spec.name(), architecture(), run, layers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table of the layers and their sizes, for the build log. */
    public static String describe(OciLayout.Image image) {
        StringBuilder out = new StringBuilder();
        out.append("image ").append(image.tar()).append(" manifest ").append(image.manifestDigest()).append('\n');
        long total = 0;
        for (Layer layer : image.layers()) {
            out.append(String.format("  %-9s %7.1f MB gzip %7.1f MB tar  %s%n",
                    layer.name(), layer.size() / 1e6, layer.uncompressedSize() / 1e6, layer.digest()));
            total += layer.size();
        }
        out.append(String.format("  total     %7.1f MB compressed%n", total / 1e6));
        return out.toString();
    }

    private static final String JLINK_STAMP = ".braid-jlink";

    /**
     * A jlink'd JRE, reused while the JDK and the module list are the same (jlink is most of the
     * build's time). No compression: the layer is gzipped anyway, and uncompressed modules start faster.
     */
    private static Path jlink(Path jre) throws IOException {
        String stamp = System.getProperty("java.home") + " " + Runtime.version() + " " + String.join(",", MODULES);
        Path stampFile = jre.resolve(JLINK_STAMP);
        if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
            return jre;
        }
        deleteTree(jre);
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("the image build needs a JDK with jlink"));
        StringWriter log = new StringWriter();
        int exit = jlink.run(new PrintWriter(log), new PrintWriter(log),
                "--module-path", Path.of(System.getProperty("java.home"), "jmods").toString(),
                "--add-modules", String.join(",", MODULES),
                "--strip-debug", "--no-header-files", "--no-man-pages",
                "--output", jre.toString());
        if (exit != 0) {
            throw new IllegalStateException("jlink failed (" + exit + "): " + log);
        }
        Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
        return jre;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static LayerEntry text(String path, String content) {
        return new LayerEntry.FileBytes(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0);
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

}
