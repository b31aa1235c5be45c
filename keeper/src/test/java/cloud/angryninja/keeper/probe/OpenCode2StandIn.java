package cloud.angryninja.keeper.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * Stand-ins for OpenCode servers the keeper cannot judge, on loopback:
 * <ul>
 * <li>{@link #openCode2()}: the documented routes of OpenCode 2.x (DESIGN.md, "OpenCode and Copilot as
 * they behave"): {@code GET /api/health} answers {@code {"healthy":true}} without a version, events
 * at {@code /api/event}; {@code /global/*} and {@code /config/providers} are gone (404, WireMock's
 * answer for every route not stubbed);</li>
 * <li>{@link #withVersion(String)}: a 1.x route set ({@code /global/health}, {@code /config/providers})
 * reporting the given version, to test the supported version range.</li>
 * </ul>
 */
public final class OpenCode2StandIn {

    private OpenCode2StandIn() {
    }

    public static WireMockServer openCode2() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlEqualTo("/api/health"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"healthy\":true}")));
        server.stubFor(get(urlPathEqualTo("/api/event")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n")));
        return server;
    }

    public static WireMockServer withVersion(String version) {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlEqualTo("/global/health")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"healthy\":true,\"version\":\"" + version + "\"}")));
        server.stubFor(get(urlEqualTo("/config/providers")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"providers\":[{\"id\":\"github-copilot\",\"options\":{\"apiKey\":\"\"},\"models\":{\"gpt-5-mini\":{}}}]}")));
        return server;
    }
}
