package cloud.angryninja.keeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        }
    }
}
