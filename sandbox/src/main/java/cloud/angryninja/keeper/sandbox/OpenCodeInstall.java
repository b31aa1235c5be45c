package cloud.angryninja.keeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    public static boolean npmAvailable() {
        return onPath("npm").isPresent();
    }

    static Path install() {
        Path npm = onPath("npm").orElseThrow(() -> new IllegalStateException(
                "OpenCode " + VERSION + " is not installed and npm is not on the PATH: install Node.js/npm, or set OPENCODE_BIN"));
        Path dir = cacheDir();
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("npm-install.log");
            Process p = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), PACKAGE)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("npm install " + PACKAGE + " did not finish in 10 minutes (log: " + log + ")");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("npm install " + PACKAGE + " failed with exit code " + p.exitValue() + " (log: " + log + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException("npm install " + PACKAGE + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
        }
        return find().orElseThrow(() -> new IllegalStateException(
                "npm install " + PACKAGE + " finished but no opencode binary is in " + dir));
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
