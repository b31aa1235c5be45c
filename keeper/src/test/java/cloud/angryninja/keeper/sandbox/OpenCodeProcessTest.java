package cloud.angryninja.keeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.testing.Tier;

/** The real OpenCode server starts on loopback with its own XDG folders and demands its password. */
@Tier.Integration
class OpenCodeProcessTest {

    @TempDir
    Path root;

    @Test
    void startsPinnedVersionBehindBasicAuth() throws Exception {
        try (OpenCodeProcess server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root, "s3cret-pw"), Duration.ofSeconds(60))) {
            HttpClient http = HttpClient.newHttpClient();
            URI health = server.baseUri().resolve("/global/health");

            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);

            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(health).header("Authorization", OpenCodeClient.basicAuth("opencode", "s3cret-pw")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"version\":\"" + OpenCodeInstall.VERSION + "\"");
            // OpenCodeProcess.LEAN_JIT: the server's Bun runs without JavaScriptCore's optimising tier
            assertThat(Files.readString(Path.of("/proc", Long.toString(server.pid()), "environ")).split("\0"))
                    .contains("BUN_JSC_useFTLJIT=0");
        }
    }

    /**
     * The first request makes OpenCode's first instance, which installs its plugin API into the config folder with npm
     * unless it is there: the launcher gives every server the shared install, and OpenCode installs nothing (no npm cache
     * in its HOME, the folder's node_modules still the link to the shared one, its lock file unchanged).
     */
    @Test
    void theFirstInstanceFindsItsPluginApiInstalledAndInstallsNothing() throws Exception {
        try (OpenCodeProcess server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root, "s3cret-pw"), Duration.ofSeconds(60))) {
            HttpResponse<String> providers = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(server.baseUri().resolve("/config/providers"))
                    .header("Authorization", server.authorization()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(providers.statusCode()).isEqualTo(200);
            Path config = root.resolve("config").resolve("opencode");
            Path shared = OpenCodeInstall.pluginDependencies();
            // OpenCode installs in the background of the instance's start, npm's cache its first write: none for 3 s
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> Files.notExists(root.resolve("home").resolve(".npm")) && Files.isSymbolicLink(config.resolve("node_modules")));
            assertThat(Files.isSymbolicLink(config.resolve("node_modules"))).as("node_modules still the shared install").isTrue();
            assertThat(Files.readSymbolicLink(config.resolve("node_modules"))).isEqualTo(shared.resolve("node_modules"));
            assertThat(config.resolve("package-lock.json")).hasSameTextualContentAs(shared.resolve("package-lock.json"));
            assertThat(root.resolve("home").resolve(".npm")).as("npm never ran for this server").doesNotExist();
            assertThat(Files.exists(shared.resolve("node_modules").resolve("@opencode-ai").resolve("plugin"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        }
    }
}
