package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/**
 * The real OpenCode server started exactly as the workspace's HelmRelease starts it (its args, its
 * environment, its working directory, all read from the built HelmRelease and mapped onto a folder
 * standing in for the PVC), over a PVC the real init script prepared: the github-copilot provider
 * is loaded, so auth.json is where OpenCode reads it and readable by it, and a provider the person
 * had added in the workspace is loaded beside it (the script merged the Secret's entry into the file).
 *
 * <p>Both containers run on stand-ins of their images ({@link ImageLayouts}): the init script under
 * busybox sh with the alpine/git layout's git, the server with the HelmRelease's PATH mapped onto the
 * OpenCode image stand-in (busybox applets, ripgrep) and the git the init script copied, and nothing
 * else: OpenCode sees the clone as a git project.
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Integration
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class WorkspaceOpenCodeTest {

    @TempDir
    static Path root;
    static WorkspacePod pod;
    static Map<String, String> secret;
    static Map<String, String> env;
    static OpenCodeProcess server;
    static InitScript init;
    static Path remote;
    static WireMockServer copilot;
    static Path image;

    @BeforeAll
    static void startWorkspace() throws Exception {
        InitScript.requireRoot();
        pod = new WorkspacePod("opencode-ha");
        remote = GitFixtures.bareRepository(root.resolve("remote"));
        // The repository has the branch the workspace clones (opencode-ha: ha-v2-config, its GIT_BRANCH).
        String branch = pod.initContainer().path("env").path("GIT_BRANCH").asText("");
        if (!branch.isEmpty()) {
            GitFixtures.git(remote, "branch", branch, "main");
        }
        init = new InitScript(pod, root.resolve("pod"));
        secret = InitScript.secret(null, InitScript.authJson("gho_" + "a".repeat(36)));
        // A provider the person added in the workspace, in the file as OpenCode writes it: the init script adds
        // the Secret's github-copilot entry and keeps it.
        Files.createDirectories(init.authJson().getParent());
        Files.writeString(init.authJson(), WORKSPACE_PROVIDER);
        Path alpineGit = ImageLayouts.alpineGit(root.resolve("image-alpine-git"));
        Tools.Result prepared = init.run(InitScript.Shell.BUSYBOX, secret, remote.toUri().toString(), ImageLayouts.alpineGitEnv(alpineGit));
        assertThat(prepared.exitCode()).as(prepared.output()).isZero();
        if (!branch.isEmpty()) {
            assertThat(GitFixtures.git(init.workspace(), "rev-parse", "--abbrev-ref", "HEAD").stdout().strip()).isEqualTo(branch);
        }
        assertThat(prepared.stdout()).contains("copied to " + init.gitBundle());

        String main = pod.mainContainerName();
        JsonNode container = pod.mainContainer();
        image = ImageLayouts.openCodeImage(root.resolve("image-opencode"));
        env = pod.env(main, init.volumes, secret, image);
        // Test-only: the tests run as root over a clone owned by 1000:1000 (the pod's server runs as
        // 1000, the owner); git refuses another user's repository ("dubious ownership") without this.
        Map<String, String> serverEnv = new java.util.LinkedHashMap<>(env);
        serverEnv.put("GIT_CONFIG_COUNT", "1");
        serverEnv.put("GIT_CONFIG_KEY_0", "safe.directory");
        serverEnv.put("GIT_CONFIG_VALUE_0", init.workspace().toString());
        Path workingDir = pod.hostPath(main, container.path("workingDir").asText(), init.volumes);
        assertThat(workingDir).isEqualTo(init.workspace());
        // Test-only as well: the github-copilot provider pointed at a loopback stand-in of the Copilot API that
        // answers as a model making one edit ({@link #AGENT_EDIT}), through the config file OpenCode reads.
        copilot = AgentStandIn.start(AGENT_EDIT);
        Path config = Path.of(env.get("XDG_CONFIG_HOME")).resolve("opencode");
        Files.createDirectories(config);
        Files.writeString(config.resolve("opencode.json"), "{\"provider\":{\"github-copilot\":{\"options\":{\"baseURL\":\""
                + copilot.baseUrl() + "\"}}}}");

        server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("server"), secret.get("OPENCODE_SERVER_PASSWORD"))
                .withContainer(new OpenCodeProcess.Container(command(), Yaml.texts(container.path("args")), serverEnv, workingDir)),
                Duration.ofSeconds(90));
    }

    /** The server container's command, its first word (the image's /bin/sh) on the image stand-in. */
    static List<String> command() {
        List<String> command = new ArrayList<>(Yaml.texts(pod.mainContainer().path("command")));
        assertThat(command).as("the server container's command").isNotEmpty();
        assertThat(command.getFirst()).isEqualTo("/bin/sh");
        command.set(0, image.resolve("bin/sh").toString());
        return command;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (copilot != null) {
            copilot.stop();
        }
    }

    @Test
    void theServersPathHoldsOnlyTheImageAndTheCopiedGit() {
        List<Path> gits = new ArrayList<>();
        for (String dir : env.get("PATH").split(":")) {
            Path git = Path.of(dir, "git");
            if (Files.exists(git)) {
                gits.add(git);
            }
        }
        assertThat(gits).as("git on the server's PATH").containsExactly(init.gitBundle().resolve("bin/git"));
        assertThat(Path.of(env.get("GIT_EXEC_PATH"))).isEqualTo(init.gitBundle().resolve("libexec/git-core"));
        assertThat(pod.mounts(pod.mainContainerName()).stream().filter(m -> m.volume().equals("git")))
                .as("the copied git, read-only in the server container at the path the init script wrote into its wrapper")
                .singleElement().satisfies(m -> {
                    assertThat(m.path()).isEqualTo(pod.initContainer().path("env").path("GIT_BUNDLE_DIR").asText());
                    assertThat(m.readOnly()).isTrue();
                });
    }

    @Test
    void openCodeSeesTheCloneAsAGitProject() throws Exception {
        HttpResponse<String> r = get("/project/current", true);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode project = new ObjectMapper().readTree(r.body());
        assertThat(project.path("vcs").asText()).as(r.body()).isEqualTo("git");
        assertThat(Path.of(project.path("worktree").asText()).toRealPath()).isEqualTo(init.workspace().toRealPath());
        assertThat(project.path("id").asText()).as("the root commit")
                .isEqualTo(GitFixtures.git(init.workspace(), "rev-list", "--max-parents=0", "HEAD").stdout().strip());
    }

    @Test
    void theKeepersRepositoryProbePassesOnIt() throws Exception {
        OpenCodeClient keeper = new OpenCodeClient(Duration.ofSeconds(30));
        OpenCodeClient.Project project = keeper.project(cloud.angryninja.keeper.testing.TestWorkspaces.named(pod.app,
                server.baseUri().toString(), java.util.Optional.of(server.password()), "opencode"));

        assertThat(project.git()).as(project.reason()).contains(true);
        String prefix = "OpenCode sees the git repository at ";
        assertThat(project.reason()).startsWith(prefix);
        assertThat(Path.of(project.reason().substring(prefix.length())).toRealPath()).isEqualTo(init.workspace().toRealPath());
    }

    /** The edit the stand-in model makes: README.md of the remote's first commit, one line changed. */
    static final String AGENT_EDIT = "*** Begin Patch\n*** Update File: README.md\n@@\n-workspace repository\n+changed by the agent\n*** End Patch";

    /**
     * OpenCode's undo works in the pod: an edit the agent makes in a session is recorded as a patch of its git
     * snapshot, and reverting the session's prompt puts the file back. Without git on the PATH the same edit is
     * made but never recorded, and the revert leaves it (OpenCode 1.18.33, docs/workspace-git.md).
     */
    @Test
    void anEditMadeThroughASessionCanBeReverted() throws Exception {
        Path readme = init.workspace().resolve("README.md");
        String before = Files.readString(readme);
        assertThat(before).isEqualTo("workspace repository\n");
        String session = post("/session", "{}").path("id").asText();

        JsonNode reply = post("/session/" + session + "/message", "{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\""
                + AgentStandIn.MODEL + "\"},\"parts\":[{\"type\":\"text\",\"text\":\"Change the first line of README.md.\"}]}");

        assertThat(reply.path("info").path("error").isMissingNode()).as(reply.toString()).isTrue();
        assertThat(Files.readString(readme)).as("the agent's edit").contains("changed by the agent").doesNotContain("workspace repository");
        JsonNode messages = new ObjectMapper().readTree(get("/session/" + session + "/message", true).body());
        List<String> patched = new ArrayList<>();
        String prompt = null;
        for (JsonNode m : messages) {
            if (prompt == null && m.path("info").path("role").asText().equals("user")) {
                prompt = m.path("info").path("id").asText();
            }
            for (JsonNode part : m.path("parts")) {
                if (part.path("type").asText().equals("patch")) {
                    part.path("files").forEach(f -> patched.add(f.asText()));
                }
            }
        }
        assertThat(patched).as("files OpenCode's snapshot recorded as changed").hasSize(1)
                .allSatisfy(f -> assertThat(Path.of(f).toRealPath()).isEqualTo(readme.toRealPath()));

        JsonNode reverted = post("/session/" + session + "/revert", "{\"messageID\":\"" + prompt + "\"}");

        assertThat(reverted.path("revert").path("messageID").asText()).isEqualTo(prompt);
        assertThat(Files.readString(readme)).as("README.md after the revert").isEqualTo(before);
        assertThat(GitFixtures.git(init.workspace(), "status", "--porcelain").stdout()).as("git status").isEmpty();
    }

    /**
     * The server container starts with one log line saying whether the copied git runs in the OpenCode image (where a
     * musl too new for the image shows in the cluster), then OpenCode itself, started as the HelmRelease starts it.
     */
    @Test
    void theServerSaysInOneLineThatTheCopiedGitRunsThenStartsOpenCode() throws Exception {
        List<String> lines = Files.readAllLines(server.root().resolve("opencode.log")).stream().filter(l -> l.startsWith("workspace-git:"))
                .toList();
        String version = GitFixtures.git(init.workspace(), "--version").stdout().strip();
        assertThat(lines).as("the start line").containsExactly("workspace-git: " + version + " runs here (" + init.gitBundle().resolve("bin/git") + ")");
        assertThat(get("/global/health", true).body()).contains("\"version\":\"" + cloud.angryninja.keeper.sandbox.OpenCodeInstall.VERSION + "\"");
        assertThat(server.isAlive()).isTrue();
    }

    /**
     * When the copied git cannot run (here a git that fails as a musl too new for the image fails: "Error relocating
     * ... symbol not found", exit 127), the same start line says so, with git's own words, and OpenCode still starts.
     */
    @Test
    void theStartLineSaysWhenTheCopiedGitDoesNotRun(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("git"), "#!/bin/sh\necho 'Error relocating /opt/git/libexec/git-core/git: __stdio_ext: symbol not found' >&2\nexit 127\n");
        Files.writeString(bin.resolve("opencode"), "#!/bin/sh\necho \"opencode started: $*\"\n");
        for (String f : List.of("git", "opencode")) {
            bin.resolve(f).toFile().setExecutable(true);
        }
        List<String> command = new ArrayList<>(command());
        command.addAll(Yaml.texts(pod.mainContainer().path("args")));
        Tools.Result r = Tools.run(command, dir, Map.of("PATH", bin + ":" + image.resolve("bin")), false, Duration.ofSeconds(30));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly(
                "workspace-git: the copied git does not run here: Error relocating /opt/git/libexec/git-core/git: __stdio_ext: symbol not found",
                "opencode started: " + String.join(" ", Yaml.texts(pod.mainContainer().path("args"))));
    }

    @Test
    void theHelmReleaseSetsTheVariablesOpenCodeReads() {
        assertThat(env).containsKeys("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "OPENCODE_SERVER_PASSWORD")
                .doesNotContainKey("OPENCODE_PASSWORD");
        assertThat(env.get("OPENCODE_SERVER_PASSWORD")).isEqualTo(secret.get("OPENCODE_SERVER_PASSWORD"));
    }

    static final String WORKSPACE_PROVIDER = "{\n  \"anthropic\": {\n    \"type\": \"api\",\n    \"key\": \"sk-ant-workspace\"\n  }\n}\n";

    /**
     * OpenCode's cache goes to the emptyDir XDG_CACHE_HOME names, not to $HOME/.cache on the PVC that VolSync backs
     * up every hour: after the server started (and, in whatever order the tests ran, served a session), OpenCode's
     * cache folder is on the emptyDir and no .cache folder is anywhere on the PVC.
     */
    @Test
    void openCodesCacheIsOffThePvc() throws Exception {
        String main = pod.mainContainerName();
        String cachePath = pod.mainContainer().path("env").path("XDG_CACHE_HOME").asText();
        assertThat(pod.mounts(main)).filteredOn(m -> m.path().equals(cachePath)).as("the volume at XDG_CACHE_HOME")
                .singleElement().satisfies(m -> assertThat(m.type()).isEqualTo("emptyDir"));
        Path cache = Path.of(env.get("XDG_CACHE_HOME"));
        assertThat(cache.resolve("opencode")).as("OpenCode's cache folder, made at start").isDirectory();
        String pvc = pod.mounts(main).stream().filter(m -> m.type().equals("persistentVolumeClaim")).findFirst().orElseThrow().volume();
        try (java.util.stream.Stream<Path> files = Files.walk(init.volumes.get(pvc))) {
            assertThat(files.filter(f -> f.getFileName().toString().equals(".cache")).toList()).as(".cache folders on the PVC").isEmpty();
        }
        assertThat(Path.of(env.get("HOME")).resolve(".cache")).doesNotExist();
    }

    @Test
    void githubCopilotIsLoadedFromTheSeededAuthJsonBesideTheWorkspacesOwnProvider() throws Exception {
        HttpResponse<String> r = get("/config/providers", true);

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).path("providers").forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).contains("github-copilot", "anthropic");
        JsonNode file = new ObjectMapper().readTree(init.authJson().toFile());
        assertThat(file.path("anthropic")).isEqualTo(new ObjectMapper().readTree(WORKSPACE_PROVIDER).path("anthropic"));
        assertThat(Yaml.fieldNames(file)).containsExactly("github-copilot", "anthropic");
    }

    @Test
    void theServerPasswordFromTheSecretGuardsIt() throws Exception {
        assertThat(get("/global/health", false).statusCode()).isEqualTo(401);
        assertThat(get("/global/health", true).statusCode()).isEqualTo(200);
    }

    private static JsonNode post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", OpenCodeClient.basicAuth(OpenCodeProcess.USERNAME, server.password()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request,
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static HttpResponse<String> get(String path, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(30));
        if (authenticated) {
            request.header("Authorization", OpenCodeClient.basicAuth(OpenCodeProcess.USERNAME, server.password()));
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
