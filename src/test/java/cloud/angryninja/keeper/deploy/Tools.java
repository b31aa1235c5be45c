package cloud.angryninja.keeper.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line tools the deployment tests rely on; a missing tool fails, never skips. */
final class Tools {

    /** The repository root: Maven runs tests from the module directory, which is the root here. */
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Path KEEPER_APP = REPO.resolve("k8s/apps/opencode/opencode-keeper/app");

    private Tools() {
    }

    record Result(int exitCode, String output) {
    }

    /** The absolute path of {@code tool} on the PATH, or an AssertionError naming how to get it. */
    static Path require(String tool, String installHint) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(tool + " is not on the PATH: " + installHint);
    }

    static Result run(Path workDir, Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", cmd));
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", cmd), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
