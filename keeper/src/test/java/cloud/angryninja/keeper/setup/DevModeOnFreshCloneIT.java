package cloud.angryninja.keeper.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The README's first command, {@code ./mvnw quarkus:dev}, where a new user runs it: in a fresh copy of the repository
 * (the files git tracks and the new ones it does not ignore, so no {@code target/} of any module from an earlier build),
 * at the root of the build (the parent of the keeper and sandbox modules), on a free port. Dev mode must compile without
 * an error, start the sandbox keeper, find both sandbox workspaces up in its first probe cycle, and every curl of the
 * README's quick start must answer as the README says: metrics, the workspaces, a revoked credential turning
 * {@code credential_valid} to 0 and a restored one back to 1.
 */
@Tier.Packaged
class DevModeOnFreshCloneIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    @Test
    void devModeOnAFreshCloneRunsTheSandboxKeeperAndEveryQuickStartCurlAnswers() throws Exception {
        Path clone = freshCopy(tmp.resolve("opencode-keeper"));
        for (String built : List.of("target", "sandbox/target", "keeper/target")) {
            assertThat(clone.resolve(built)).doesNotExist();
        }
        int port = Loopback.freePort();
        Path log = tmp.resolve("dev-mode.log");
        List<String> curls = quickStartCurls(Repo.read(Repo.path("README.md")));
        assertThat(curls).as("the curls of the README's quick start").hasSize(4);

        Process dev = startDevMode(clone, port, log);
        try {
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            await("dev mode ready on port " + port).atMost(START_DEADLINE).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        assertThat(dev.isAlive()).as("dev mode still runs; its log:%n%s", tail(log)).isTrue();
                        return status(ready) == 200;
                    });
            String devLog = Files.readString(log);
            assertThat(devLog).as("dev mode's compile").doesNotContain("COMPILATION ERROR").doesNotContain("cannot find symbol")
                    .doesNotContainPattern("(?m)^\\[ERROR\\]");
            assertThat(devLog).as("the first probe cycle finds both sandbox workspaces up")
                    .contains("opencode-flux: up PENDING -> PASS", "opencode-ha: up PENDING -> PASS")
                    .doesNotContain("up PENDING -> FAIL");

            String metrics = curl(curls.get(0), port);
            assertThat(metrics.lines().filter(l -> l.startsWith("opencode_keeper_")).count()).as("opencode_keeper_* series")
                    .isPositive();
            assertThat(metrics).contains("opencode_keeper_copilot_credential_valid{workspace=\"opencode-flux\"} 1.0",
                    "opencode_keeper_copilot_credential_valid{workspace=\"opencode-ha\"} 1.0");

            JsonNode workspaces = JSON.readTree(curl(curls.get(1), port));
            assertThat(workspaces.findValuesAsText("workspace")).containsExactlyInAnyOrder("opencode-flux", "opencode-ha");
            assertThat(workspaces.findValuesAsText("state")).containsOnly("working");

            assertThat(JSON.readTree(curl(curls.get(2), port)).path("revoked").asBoolean()).as("revoke answer").isTrue();
            awaitCredentialValid(port, "0.0");
            assertThat(JSON.readTree(curl(curls.get(3), port)).path("revoked").asBoolean()).as("restore answer").isFalse();
            awaitCredentialValid(port, "1.0");
        } finally {
            stop(dev);
        }
    }

    /** The README's quick-start curls, in order: the code lines that run curl against localhost:8080. */
    static List<String> quickStartCurls(String readme) {
        return ReadmeTest.codeLines(readme).stream().map(String::strip)
                .filter(l -> l.startsWith("curl ") && l.contains("localhost:8080")).toList();
    }

    /** Runs one README curl line as the README gives it, on the test's port; its output. */
    private String curl(String line, int port) {
        String command = line.replace("localhost:8080", "localhost:" + port);
        Tools.Result r = Tools.run(List.of("sh", "-c", command), tmp, Map.of(), false, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(command + "%n" + r.output()).isZero();
        return r.stdout();
    }

    private void awaitCredentialValid(int port, String value) {
        Pattern line = Pattern.compile("(?m)^opencode_keeper_copilot_credential_valid\\{workspace=\"opencode-flux\"} "
                + Pattern.quote(value) + "$");
        await("credential_valid of opencode-flux " + value).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> line.matcher(get(URI.create("http://127.0.0.1:" + port + "/q/metrics"))).find());
    }

    /** The repository as a clone of it holds it: tracked files and new files git does not ignore, as they are now. */
    private static Path freshCopy(Path to) throws IOException {
        Tools.Result files = Tools.run(List.of(Tools.require("git").toString(), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard"), Repo.root(), Map.of(), false, Duration.ofSeconds(60));
        assertThat(files.exitCode()).as(files.output()).isZero();
        for (String name : files.stdout().split("\0")) {
            Path source = Repo.root().resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(source)) {
                continue; // a file deleted in the working tree
            }
            Path target = to.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return to;
    }

    private static Process startDevMode(Path clone, int port, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(clone.resolve("mvnw").toString(), "-B", "quarkus:dev",
                "-Dquarkus.http.port=" + port, "-Ddebug=false", "-Dquarkus.console.enabled=false")
                .directory(clone.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
        return pb.start();
    }

    /** Stops dev mode and everything it started (the application's JVM, the sandbox's OpenCode servers). */
    private static void stop(Process dev) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(dev.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        dev.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle p : tree) {
            p.onExit().completeOnTimeout(p, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).join();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (!dev.waitFor(10, TimeUnit.SECONDS)) {
            dev.destroyForcibly();
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
