package cloud.angryninja.keeper.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * GitHub's REST API on a loopback WireMock, as far as the keeper reads it: {@code GET /copilot_internal/user} (the
 * Copilot quota; {@code Authorization: token <token>}) answers a Copilot Business seat with 212 of 300 premium requests
 * left, reset on the first of next month, for the tokens {@code accepts} says, else 401; {@code GET /user} answers 404,
 * so no account is recorded.
 */
public final class GitHubStandIn implements AutoCloseable {

    private final WireMockServer server;

    private GitHubStandIn(WireMockServer server) {
        this.server = server;
    }

    /** On this loopback port (0: a free one), accepting the tokens {@code accepts} says at each request. */
    public static GitHubStandIn start(int port, Predicate<String> accepts) {
        Answers quota = new Answers("github-quota", r -> accepts.test(Answers.token(r, "token")) ? okJson(quota()).build()
                : CopilotStandIn.refused());
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(quota));
        server.start();
        server.stubFor(get(urlPathEqualTo("/copilot_internal/user")).willReturn(aResponse().withTransformers(quota.getName())));
        server.stubFor(get(urlPathEqualTo("/user")).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Not Found\"}")));
        return new GitHubStandIn(server);
    }

    /** {@code http://127.0.0.1:<port>}: the GitHub API base URL. */
    public String url() {
        return server.baseUrl();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** A Copilot Business answer, in the shape GitHub answers it (the keeper's tests hold recorded ones). */
    static String quota() {
        LocalDate reset = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1);
        return """
                {"login":"sandbox-user","copilot_plan":"business","access_type_sku":"copilot_for_business_seat",\
                "quota_reset_date":"%1$s","quota_reset_date_utc":"%1$sT00:00:00.000Z","quota_snapshots":{\
                "chat":{"entitlement":0,"remaining":0,"percent_remaining":100.0,"unlimited":true,"overage_permitted":false},\
                "completions":{"entitlement":0,"remaining":0,"percent_remaining":100.0,"unlimited":true,"overage_permitted":false},\
                "premium_interactions":{"entitlement":300,"remaining":212,"percent_remaining":70.7,"unlimited":false,\
                "overage_permitted":false}}}""".formatted(reset);
    }
}
