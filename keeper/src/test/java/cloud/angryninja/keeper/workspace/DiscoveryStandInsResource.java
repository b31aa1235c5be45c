package cloud.angryninja.keeper.workspace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.opencode.OpenCodeClient;

/**
 * Stand-ins for the discovery test, one WireMock server: OpenCode workspaces under path prefixes
 * ({@code /configured} and {@code /healthy} answer {@code /global/health} and
 * {@code /config/providers} with basic auth, {@code /broken} answers 503) and the Copilot
 * {@code /models} API (200 for {@link #TOKEN}). The configuration holds one workspace,
 * {@code configured}, and turns discovery on in namespace {@code opencode}.
 */
public class DiscoveryStandInsResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "gho_discoveredWorkspace";
    public static final String CONFIGURED_PASSWORD = "pw-configured";
    public static final String HEALTHY_PASSWORD = "pw-healthy";

    static final String PROVIDERS = "{\"providers\":[{\"id\":\"github-copilot\",\"options\":{\"apiKey\":\"x\"},"
            + "\"models\":{\"gpt-5-mini\":{},\"claude-sonnet-4.6\":{}}}],\"default\":{}}";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        openCode("/configured", CONFIGURED_PASSWORD);
        openCode("/healthy", HEALTHY_PASSWORD);
        server.stubFor(get(urlEqualTo("/broken/global/health")).willReturn(aResponse().withStatus(503)));
        server.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));
        return Map.of(
                "keeper.copilot.api-url", server.baseUrl(),
                "keeper.probe.timeout", "3s",
                "keeper.workspaces.configured.url", server.baseUrl() + "/configured",
                "keeper.workspaces.configured.password", CONFIGURED_PASSWORD,
                "keeper.discovery.enabled", "true",
                "keeper.discovery.namespaces", "opencode");
    }

    private void openCode(String prefix, String password) {
        String basic = OpenCodeClient.basicAuth("opencode", password);
        server.stubFor(get(urlEqualTo(prefix + "/global/health")).withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"healthy\":true,\"version\":\"1.18.33\"}")));
        server.stubFor(get(urlEqualTo(prefix + "/config/providers")).withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(PROVIDERS)));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.MatchesType(WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
