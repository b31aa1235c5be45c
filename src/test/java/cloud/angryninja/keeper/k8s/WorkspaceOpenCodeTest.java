package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.opencode.OpenCodeClient;

/**
 * The real OpenCode server started exactly as the workspace's HelmRelease starts it (its args, its
 * environment, its working directory, all read from the built HelmRelease and mapped onto a folder
 * standing in for the PVC), over a PVC the real init script prepared: the github-copilot provider
 * is loaded, so auth.json is where OpenCode reads it and readable by it.
 */
class WorkspaceOpenCodeTest {

    @TempDir
    static Path root;
    static WorkspacePod pod;
    static Map<String, String> secret;
    static Map<String, String> env;
    static OpenCodeProcess server;

    @BeforeAll
    static void startWorkspace() throws Exception {
        InitScript.requireRoot();
        pod = new WorkspacePod("opencode-ha");
        Path remote = GitFixtures.bareRepository(root.resolve("remote"));
        // The repository has the branch the workspace clones (opencode-ha: ha-v2-config, its GIT_BRANCH).
        String branch = pod.initContainer().path("env").path("GIT_BRANCH").asText("");
        if (!branch.isEmpty()) {
            GitFixtures.git(remote, "branch", branch, "main");
        }
        InitScript init = new InitScript(pod, root.resolve("pod"));
        secret = InitScript.secret(null, InitScript.authJson("gho_" + "a".repeat(36)));
        Tools.Result prepared = init.run(InitScript.Shell.BUSYBOX, secret, remote.toUri().toString());
        assertThat(prepared.exitCode()).as(prepared.output()).isZero();
        if (!branch.isEmpty()) {
            assertThat(GitFixtures.git(init.workspace(), "rev-parse", "--abbrev-ref", "HEAD").stdout().strip()).isEqualTo(branch);
        }

        String main = pod.mainContainerName();
        JsonNode container = pod.mainContainer();
        assertThat(Yaml.texts(container.path("command"))).containsExactly("opencode");
        env = pod.env(main, init.volumes, secret);
        Path workingDir = pod.hostPath(main, container.path("workingDir").asText(), init.volumes);
        assertThat(workingDir).isEqualTo(init.workspace());

        server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("server"), secret.get("OPENCODE_SERVER_PASSWORD"))
                .withContainer(new OpenCodeProcess.Container(Yaml.texts(container.path("args")), env, workingDir)),
                Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theHelmReleaseSetsTheVariablesOpenCodeReads() {
        assertThat(env).containsKeys("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "OPENCODE_SERVER_PASSWORD")
                .doesNotContainKey("OPENCODE_PASSWORD");
        assertThat(env.get("OPENCODE_SERVER_PASSWORD")).isEqualTo(secret.get("OPENCODE_SERVER_PASSWORD"));
    }

    @Test
    void githubCopilotIsLoadedFromTheSeededAuthJson() throws Exception {
        HttpResponse<String> r = get("/config/providers", true);

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).path("providers").forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).contains("github-copilot");
    }

    @Test
    void theServerPasswordFromTheSecretGuardsIt() throws Exception {
        assertThat(get("/global/health", false).statusCode()).isEqualTo(401);
        assertThat(get("/global/health", true).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(30));
        if (authenticated) {
            request.header("Authorization", OpenCodeClient.basicAuth(OpenCodeProcess.USERNAME, server.password()));
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
