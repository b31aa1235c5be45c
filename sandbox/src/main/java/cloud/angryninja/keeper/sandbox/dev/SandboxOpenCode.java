package cloud.angryninja.keeper.sandbox.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.sandbox.OpenCodeInstall;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;

/**
 * Each sandbox workspace as a real {@code opencode serve} (npm {@code opencode-ai@1.18.33}) on its own loopback port,
 * seeded with an auth.json and pointed at the Copilot stand-in, in a folder under {@code .sandbox/} made a git
 * repository (when git is on the PATH) as a clone is. Found on the PATH or in the cache, installed with npm when
 * missing; without npm the sandbox runs without them and says so in one line.
 */
final class SandboxOpenCode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SandboxOpenCode.class);
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final List<SandboxWorld.Workspace> workspaces;
    private final String copilotUrl;
    private final Map<String, OpenCodeProcess> running = new ConcurrentHashMap<>();
    private volatile boolean available = true;
    private volatile boolean stopped;

    SandboxOpenCode(List<SandboxWorld.Workspace> workspaces, String copilotUrl) {
        this.workspaces = workspaces;
        this.copilotUrl = copilotUrl;
    }

    /** Starts every workspace's OpenCode, in parallel, each with the auth.json {@code authJson} gives; returns when all are up. */
    void startAll(Function<String, String> authJson) {
        if (OpenCodeInstall.find().isEmpty()) {
            if (!OpenCodeInstall.npmAvailable()) {
                LOG.warnf("sandbox: OpenCode %s is not installed and npm is not on the PATH; the workspaces run without OpenCode",
                        OpenCodeInstall.VERSION);
                available = false;
                return;
            }
            LOG.infof("sandbox: installing %s with npm into %s (first run only)", OpenCodeInstall.PACKAGE, OpenCodeInstall.cacheDir());
        }
        try {
            OpenCodeInstall.require();
        } catch (IllegalStateException e) {
            LOG.warnf("sandbox: %s; the workspaces run without OpenCode", e.getMessage());
            available = false;
            return;
        }
        if (!OpenCodeProcess.gitOnPath()) {
            LOG.infof("sandbox: git is not on the PATH; OpenCode sees no repository in the sandbox workspaces (repository: FAIL)");
        }
        workspaces.parallelStream().forEach(w -> start(w, authJson.apply(w.name())));
    }

    /** The workspace's pod restarts: its OpenCode starts again, in a new folder on the same port, with this auth.json. */
    void restart(String workspace, String authJson) {
        if (!available) {
            return;
        }
        OpenCodeProcess old = running.remove(workspace);
        if (old != null) {
            old.close();
        }
        workspaces.stream().filter(w -> w.name().equals(workspace)).findFirst().ifPresent(w -> start(w, authJson));
    }

    /** The auth.json the workspace's OpenCode holds now (as started, or as written since), empty when it does not run. */
    Optional<String> authJson(String workspace) {
        return Optional.ofNullable(running.get(workspace)).filter(OpenCodeProcess::isAlive).flatMap(p -> {
            try {
                return Optional.of(Files.readString(OpenCodeProcess.authJsonPath(p.root())));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private void start(SandboxWorld.Workspace w, String authJson) {
        Path root = Path.of(".sandbox", w.name()).toAbsolutePath();
        try {
            deleteTree(root);
            OpenCodeProcess.Options options = OpenCodeProcess.Options.of(root, w.password()).withCopilotBaseUrl(copilotUrl)
                    .withAuthJson(authJson).withPort(w.port());
            if (OpenCodeProcess.gitOnPath()) {
                options = options.withGitRepository(); // a workspace is a clone: OpenCode sees it as a git project
            }
            OpenCodeProcess p = OpenCodeProcess.start(options, Duration.ofSeconds(90));
            warmUp(p);
            if (stopped) {
                p.close();
                return;
            }
            running.put(w.name(), p);
            LOG.infof("sandbox: %s is OpenCode %s on %s (folder %s)", w.name(), OpenCodeInstall.VERSION, p.baseUri(), root);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("sandbox: OpenCode of %s did not start: %s", w.name(), e.getMessage());
        }
    }

    /**
     * Asks the new server for its providers until it lists them (at most a minute): OpenCode loads them at the first
     * request, which takes seconds on a busy machine, and a request that comes too early may never be answered, so each
     * try gives up after a few seconds. The keeper's first probe then finds the provider loaded.
     */
    private static void warmUp(OpenCodeProcess p) {
        String basic = p.authorization();
        java.net.http.HttpRequest providers = java.net.http.HttpRequest.newBuilder(p.baseUri().resolve("/config/providers"))
                .header("Authorization", basic).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (HTTP.send(providers, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException e) {
                LOG.debugf("sandbox: OpenCode on %s did not list its providers yet: %s", p.baseUri(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        running.values().forEach(OpenCodeProcess::close);
        running.clear();
    }
}
