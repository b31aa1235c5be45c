package cloud.angryninja.keeper.k8s;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command-line tools the k8s tests run for real; a missing one fails the test, never skips it. */
final class Tools {

    private Tools() {
    }

    /** The absolute path of {@code name} on the PATH, or an AssertionError saying how to install it. */
    static Path require(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed (on the PATH); .ci/run installs it (Debian package "
                + switch (name) {
                    case "kubectl" -> "kubectl from the Kubernetes apt repository";
                    case "promtool" -> "prometheus";
                    default -> name;
                } + ")");
    }

    /** What a finished command said. */
    record Result(int exitCode, String stdout, String stderr, Duration took) {
        String output() {
            return stdout + stderr;
        }
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, boolean clearEnv, Duration timeout) {
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
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
