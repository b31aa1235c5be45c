package cloud.angryninja.keeper.sandbox;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

import cloud.angryninja.keeper.copilot.CopilotConfig;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Dev sandbox: each workspace as a real {@code opencode serve} (npm {@code opencode-ai@1.18.33})
 * on a random loopback port, seeded with the auth.json of its sandbox Secret and pointed at the
 * Copilot stand-in, in a folder made a git repository (when git is on the PATH) as a clone is. Found on the PATH or in the cache, installed with npm when missing; without
 * npm the sandbox runs without them and says so in one line.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxOpenCode {

    private static final Logger LOG = Logger.getLogger(SandboxOpenCode.class);

    private final Workspaces workspaces;
    private final SandboxCredentials credentials;
    private final CopilotConfig copilot;
    private final Map<String, OpenCodeProcess> running = new ConcurrentHashMap<>();
    private final Map<String, String> status = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public SandboxOpenCode(Workspaces workspaces, SandboxCredentials credentials, CopilotConfig copilot) {
        this.workspaces = workspaces;
        this.credentials = credentials;
        this.copilot = copilot;
        workspaces.all().forEach(w -> status.put(w.name(), "starting"));
    }

    /**
     * Starts both OpenCode servers before the keeper listens (the probe cycle and the event streams wait for the HTTP
     * server), so the first cycle finds them up instead of logging a WARN line per probe.
     */
    void onStart(@Observes StartupEvent event) {
        startAll();
    }

    public Optional<URI> baseUri(String workspace) {
        return Optional.ofNullable(running.get(workspace)).filter(OpenCodeProcess::isAlive).map(OpenCodeProcess::baseUri);
    }

    public String status(String workspace) {
        return status.getOrDefault(workspace, "unknown workspace");
    }

    private void startAll() {
        if (OpenCodeInstall.find().isEmpty()) {
            if (!OpenCodeInstall.npmAvailable()) {
                LOG.warnf("sandbox: OpenCode %s is not installed and npm is not on the PATH; the workspaces run without OpenCode",
                        OpenCodeInstall.VERSION);
                workspaces.all().forEach(w -> status.put(w.name(), "npm is missing"));
                return;
            }
            LOG.infof("sandbox: installing %s with npm into %s (first run only)", OpenCodeInstall.PACKAGE, OpenCodeInstall.cacheDir());
        }
        try {
            OpenCodeInstall.require();
        } catch (IllegalStateException e) {
            LOG.warnf("sandbox: %s; the workspaces run without OpenCode", e.getMessage());
            workspaces.all().forEach(w -> status.put(w.name(), "OpenCode could not be installed"));
            return;
        }
        if (!OpenCodeProcess.gitOnPath()) {
            LOG.infof("sandbox: git is not on the PATH; OpenCode sees no repository in the sandbox workspaces (repository: FAIL)");
        }
        workspaces.all().parallelStream().forEach(this::start);
    }

    /** The workspace's pod restarts: its OpenCode starts again (new folder, new port) with this auth.json. */
    public void restart(Workspace w, String authJson) {
        OpenCodeProcess old = running.remove(w.name());
        if (old != null) {
            old.close();
        }
        status.put(w.name(), "restarting");
        start(w, authJson);
    }

    private void start(Workspace w) {
        start(w, credentials.authJson(w.name()));
    }

    private void start(Workspace w, String authJson) {
        Path root = Path.of(".sandbox", w.name()).toAbsolutePath();
        try {
            deleteTree(root);
            OpenCodeProcess.Options options = OpenCodeProcess.Options.of(root, w.password().orElse(""))
                    .withCopilotBaseUrl(copilot.apiUrl().toString())
                    .withAuthJson(authJson);
            if (OpenCodeProcess.gitOnPath()) {
                options = options.withGitRepository(); // a workspace is a clone: OpenCode sees it as a git project
            }
            OpenCodeProcess p = OpenCodeProcess.start(options, Duration.ofSeconds(90));
            if (stopped) {
                p.close();
                return;
            }
            running.put(w.name(), p);
            status.put(w.name(), "running");
            LOG.infof("sandbox: %s is OpenCode %s on %s (folder %s)", w.name(), OpenCodeInstall.VERSION, p.baseUri(), root);
        } catch (IOException | RuntimeException e) {
            status.put(w.name(), "failed to start");
            LOG.warnf("sandbox: OpenCode of %s did not start: %s", w.name(), e.getMessage());
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

    @PreDestroy
    void stop() {
        stopped = true;
        running.values().forEach(OpenCodeProcess::close);
        running.clear();
    }
}
