package cloud.angryninja.keeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the OpenCode server binary (npm package {@code opencode-ai}) at the pinned version, and
 * installs it into a local cache with npm when it is nowhere to be found.
 *
 * <p>Order: {@code $OPENCODE_BIN}; {@code opencode} on the PATH when it reports the pinned version;
 * the cache {@code ${XDG_CACHE_HOME:-~/.cache}/opencode-keeper/opencode-ai-VERSION}. Used by the dev
 * sandbox and by the tests; it never runs in the production build.
 */
public final class OpenCodeInstall {

    public static final String VERSION = "1.18.33";
    public static final String PACKAGE = "opencode-ai@" + VERSION;
    /**
     * What OpenCode installs into each config folder ({@code $XDG_CONFIG_HOME/opencode}) at its first instance when it is
     * not there: {@code package.json}, {@code package-lock.json} and {@code node_modules} of its plugin API, with npm.
     */
    public static final String PLUGIN_PACKAGE = "@opencode-ai/plugin@" + VERSION;
    static final List<String> PLUGIN_FILES = List.of("package.json", "package-lock.json");

    private OpenCodeInstall() {
    }

    /** The cache folder that {@link #install()} writes to. */
    public static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("opencode-keeper").resolve("opencode-ai-" + VERSION);
    }

    /** The binary if it is already present, without installing anything. */
    public static Optional<Path> find() {
        String explicit = System.getenv("OPENCODE_BIN");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        Optional<Path> onPath = onPath("opencode").filter(p -> VERSION.equals(version(p)));
        if (onPath.isPresent()) {
            return onPath;
        }
        Path cached = cacheDir().resolve("node_modules").resolve(".bin").resolve("opencode");
        return Files.isExecutable(cached) ? Optional.of(cached) : Optional.empty();
    }

    /**
     * The binary, installing it with npm into {@link #cacheDir()} when it is not present.
     *
     * @throws IllegalStateException with one clear sentence when it cannot be had (no npm, or npm failed)
     */
    public static Path require() {
        return find().orElseGet(OpenCodeInstall::install);
    }

    /**
     * The config folder dependencies OpenCode would install itself, installed once into the cache
     * ({@code cacheDir()/config-dependencies}) for every server to share: OpenCode's own install, in each fresh config
     * folder, runs npm against the registry on the first request and costs about 7 CPU seconds, most of a server's start.
     * Written to a temporary folder and moved into place, so servers starting side by side (test JVMs) never see half
     * of it.
     *
     * @throws IllegalStateException with one clear sentence when npm is missing or fails
     */
    public static Path pluginDependencies() {
        Path dir = cacheDir().resolve("config-dependencies");
        if (hasPluginDependencies(dir)) {
            return dir;
        }
        Path npm = onPath("npm").orElseThrow(() -> new IllegalStateException(
                "OpenCode's config dependencies (" + PLUGIN_PACKAGE + ") are not installed and npm is not on the PATH: install Node.js/npm"));
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "config-dependencies-");
            Path log = dir.getParent().resolve("config-dependencies-npm.log");
            run(new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", tmp.toString(),
                    PLUGIN_PACKAGE), log, "npm install " + PLUGIN_PACKAGE);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another JVM put it there first (theirs serves, checked below); this copy goes
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("npm install " + PLUGIN_PACKAGE + " could not run: " + e.getMessage(), e);
        }
        if (!hasPluginDependencies(dir)) {
            throw new IllegalStateException("npm install " + PLUGIN_PACKAGE + " finished but " + dir + " lacks package-lock.json or node_modules");
        }
        return dir;
    }

    private static boolean hasPluginDependencies(Path dir) {
        return PLUGIN_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f))) && Files.isDirectory(dir.resolve("node_modules"));
    }

    /**
     * Gives a config folder ({@code $XDG_CONFIG_HOME/opencode}) the shared {@link #pluginDependencies()}: the two files
     * copied, {@code node_modules} a link. OpenCode then finds its plugin API installed and installs nothing. When the
     * shared install cannot be had (no npm, npm failed) the folder is left as it is and OpenCode installs (or fails to
     * install) it itself, as it always does: a server that starts slower, never one that does not start.
     *
     * @return whether the folder got the shared install
     */
    public static boolean providePluginDependencies(Path configFolder) throws IOException {
        if (pluginDependenciesFailed) {
            return false;
        }
        Path from;
        try {
            from = pluginDependencies();
        } catch (IllegalStateException e) {
            pluginDependenciesFailed = true; // not tried again for every server this JVM starts
            return false;
        }
        Files.createDirectories(configFolder);
        for (String file : PLUGIN_FILES) {
            Files.copy(from.resolve(file), configFolder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path modules = configFolder.resolve("node_modules");
        if (!Files.exists(modules, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(modules, from.resolve("node_modules"));
        }
        return true;
    }

    /** The shared install could not be had in this JVM (no npm, npm failed): each server's OpenCode installs its own. */
    private static volatile boolean pluginDependenciesFailed;

    public static boolean npmAvailable() {
        return onPath("npm").isPresent();
    }

    static Path install() {
        Path npm = onPath("npm").orElseThrow(() -> new IllegalStateException(
                "OpenCode " + VERSION + " is not installed and npm is not on the PATH: install Node.js/npm, or set OPENCODE_BIN"));
        Path dir = cacheDir();
        try {
            Files.createDirectories(dir);
            run(new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), PACKAGE),
                    dir.resolve("npm-install.log"), "npm install " + PACKAGE);
        } catch (IOException e) {
            throw new IllegalStateException("npm install " + PACKAGE + " could not run: " + e.getMessage(), e);
        }
        return find().orElseThrow(() -> new IllegalStateException(
                "npm install " + PACKAGE + " finished but no opencode binary is in " + dir));
    }

    private static void deleteTree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Runs {@code what}, its output to {@code log}; one sentence naming the log when it fails or takes 10 minutes. */
    private static void run(ProcessBuilder pb, Path log, String what) throws IOException {
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish in 10 minutes (log: " + log + ")");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + " (log: " + log + ")");
        }
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
