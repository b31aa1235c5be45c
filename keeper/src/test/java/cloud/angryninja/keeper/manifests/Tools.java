package cloud.angryninja.keeper.manifests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The command-line tools the tests run for real (kubectl, promtool, prometheus, shellcheck, git,
 * sh, busybox): found on the PATH and run with a deadline. A missing tool fails the test with how
 * to install it, never skips it.
 */
public final class Tools {

    private Tools() {
    }

    /** The absolute path of {@code name} on the PATH, or an AssertionError saying how to install it. */
    public static Path require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed (on the PATH); .ci/run installs it ("
                + switch (name) {
                    case "kubectl" -> "kubectl from the Kubernetes apt repository; it builds every kustomization under k8s/";
                    case "promtool", "prometheus" -> "Debian package prometheus";
                    default -> "Debian package " + name;
                } + ")");
    }

    /** What a finished command said. */
    public record Result(int exitCode, String stdout, String stderr, Duration took) {

        /** stdout followed by stderr. */
        public String output() {
            return stdout + stderr;
        }
    }

    /** Runs {@code command} in {@code dir} (the current folder when null) with the inherited environment. */
    public static Result run(Path dir, Duration timeout, String... command) {
        return run(List.of(command), dir, Map.of(), false, timeout);
    }

    /**
     * Runs a command with stdin from /dev/null; {@code clearEnv} starts from an environment holding
     * only PATH, then {@code env} is added. Kills the process tree when the deadline passes.
     */
    public static Result run(List<String> command, Path dir, Map<String, String> env, boolean clearEnv, Duration timeout) {
        return run(command, dir, env, clearEnv, timeout, process -> {
        });
    }

    /**
     * As {@link #run(List, Path, Map, boolean, Duration)}; {@code whileRunning} gets the process as soon
     * as it has started (to watch it, or to kill it) and returns before the wait for its end begins.
     */
    public static Result run(List<String> command, Path dir, Map<String, String> env, boolean clearEnv, Duration timeout,
            Consumer<Process> whileRunning) {
        try {
            Path out = Files.createTempFile("cmd-out", ".txt");
            Path err = Files.createTempFile("cmd-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                if (dir != null) {
                    pb.directory(dir.toFile());
                }
                if (clearEnv) {
                    String pathVar = pb.environment().get("PATH");
                    pb.environment().clear();
                    pb.environment().put("PATH", pathVar);
                }
                pb.environment().putAll(env);
                long start = System.nanoTime();
                Process process = pb.start();
                whileRunning.accept(process);
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), took);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        }
    }
}
