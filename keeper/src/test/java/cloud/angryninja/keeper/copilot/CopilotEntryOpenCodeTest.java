package cloud.angryninja.keeper.copilot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.reseed.ReseedInput;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The strict model against the real OpenCode 1.18.33, one table: for every shape of the github-copilot entry, what
 * the keeper does with it (store its canonical form, or refuse it with 422) and whether OpenCode loads a
 * github-copilot provider from it. An accepted shape is proven on the auth.json the keeper would store; a refused one
 * on the raw entry. One server for all shapes: auth.json is rewritten and {@code POST /global/dispose} makes the next
 * request build a new instance, which reads auth.json again (the rows alternate loaded / not loaded, so a server that
 * did not re-read it would fail the table).
 */
@Tier.Integration
class CopilotEntryOpenCodeTest {

    /** What OpenCode does with the raw entry of a refused shape. */
    enum OpenCode {
        /** OpenCode's own schema refuses the entry: no github-copilot provider. */
        DOES_NOT_LOAD,
        /** OpenCode loads it, but the keeper refuses it on purpose (documented): the token would be unusable or go elsewhere. */
        LOADS_BUT_KEEPER_REFUSES
    }

    /** One shape: the entry, whether the keeper accepts it, and for a refused one what OpenCode does with it raw. */
    record Shape(String name, String entry, boolean keeperAccepts, OpenCode raw) {
        static Shape accepted(String name, String entry) {
            return new Shape(name, entry, true, null);
        }

        static Shape refused(String name, String entry, OpenCode raw) {
            return new Shape(name, entry, false, raw);
        }
    }

    static final String T = "gho_TableTest0123456789";

    static final List<Shape> SHAPES = List.of(
            Shape.accepted("device flow", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":0}"),
            Shape.refused("expires infinite", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":1e999999}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.accepted("enterprise domain", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T
                    + "\",\"expires\":0,\"enterpriseUrl\":\"ghe.example.com\"}"),
            Shape.refused("expires a string", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":\"soon\"}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.accepted("enterprise URL with scheme and slash", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T
                    + "\",\"expires\":0,\"enterpriseUrl\":\"https://ghe.example.com/\"}"),
            Shape.refused("enterpriseUrl null", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T
                    + "\",\"expires\":0,\"enterpriseUrl\":null}", OpenCode.DOES_NOT_LOAD),
            Shape.accepted("no access, no expires (filled as the device flow writes them)", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\"}"),
            Shape.refused("expires negative", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":-1}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.accepted("expires in the future, extra field dropped", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"tid=x;exp=1\","
                    + "\"expires\":1893456000000,\"note\":\"x\"}"),
            Shape.refused("expires a fraction", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":1.5}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.accepted("expires written with an exponent", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":1e3}"),
            Shape.refused("refresh a number", "{\"type\":\"oauth\",\"refresh\":7,\"access\":\"" + T + "\",\"expires\":0}", OpenCode.DOES_NOT_LOAD),
            Shape.accepted("accountId", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":0,\"accountId\":\"acct-1\"}"),
            Shape.refused("type api", "{\"type\":\"api\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":0}", OpenCode.DOES_NOT_LOAD),
            Shape.refused("access a number", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":1,\"expires\":0}", OpenCode.DOES_NOT_LOAD),
            Shape.refused("accountId a number", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":0,\"accountId\":1}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.refused("enterpriseUrl with user info, port and path", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T
                    + "\",\"expires\":0,\"enterpriseUrl\":\"u:p@evil.example:8443/x\"}", OpenCode.LOADS_BUT_KEEPER_REFUSES),
            Shape.refused("expires above 2^53-1", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T + "\",\"expires\":1e300}",
                    OpenCode.DOES_NOT_LOAD),
            Shape.refused("empty refresh", "{\"type\":\"oauth\",\"refresh\":\"\",\"access\":\"" + T + "\",\"expires\":0}",
                    OpenCode.LOADS_BUT_KEEPER_REFUSES),
            Shape.refused("control character in refresh", "{\"type\":\"oauth\",\"refresh\":\"gho_a\\u0007b\",\"access\":\"" + T + "\",\"expires\":0}",
                    OpenCode.LOADS_BUT_KEEPER_REFUSES),
            Shape.refused("enterpriseUrl empty", "{\"type\":\"oauth\",\"refresh\":\"" + T + "\",\"access\":\"" + T
                    + "\",\"expires\":0,\"enterpriseUrl\":\"\"}", OpenCode.LOADS_BUT_KEEPER_REFUSES));

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path root;

    static OpenCodeProcess server;

    @BeforeAll
    static void start() throws IOException {
        // No provider options in opencode.json: with them github-copilot is listed from the config alone ("source":"config").
        server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root, "pw-table").withAuthJson("{}"), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theKeeperAcceptsExactlyWhatOpenCodeLoadsAsACopilotProvider() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Shape shape : SHAPES) {
            String stored;
            boolean accepted;
            try {
                stored = ReseedInput.parse(shape.entry().getBytes(StandardCharsets.UTF_8)).authJson();
                accepted = true;
            } catch (ReseedInput.Rejected e) {
                assertThat(e.status()).as(shape.name()).isEqualTo(422);
                assertThat(e.getMessage()).as(shape.name()).doesNotContain(T);
                stored = "{\"github-copilot\":" + shape.entry() + "}";
                accepted = false;
            }
            boolean loaded = loads(stored);
            boolean expectedLoad = shape.keeperAccepts() || shape.raw() == OpenCode.LOADS_BUT_KEEPER_REFUSES;
            if (accepted != shape.keeperAccepts() || loaded != expectedLoad) {
                mismatches.add(shape.name() + ": keeper " + (accepted ? "accepts" : "refuses") + ", OpenCode "
                        + (loaded ? "loads" : "does not load") + " github-copilot from " + (accepted ? "the stored" : "the raw") + " entry");
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Writes the auth.json, disposes every instance, and asks the next one whether github-copilot is a provider. */
    static boolean loads(String authJson) throws Exception {
        Files.writeString(OpenCodeProcess.authJsonPath(server.root()), authJson);
        HttpResponse<String> disposed = HTTP.send(request("/global/dispose").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(disposed.statusCode()).isEqualTo(200);
        HttpResponse<String> providers = HTTP.send(request("/config/providers").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(providers.statusCode()).isEqualTo(200);
        for (JsonNode p : JSON.readTree(providers.body()).path("providers")) {
            if ("github-copilot".equals(p.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("opencode:" + server.password())
                        .getBytes(StandardCharsets.UTF_8)));
    }
}
