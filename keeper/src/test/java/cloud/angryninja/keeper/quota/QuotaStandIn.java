package cloud.angryninja.keeper.quota;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import cloud.angryninja.keeper.manifests.Repo;

/**
 * GitHub's {@code GET /copilot_internal/user} on a WireMock server (the tests' Copilot stand-in plays it too), answering
 * per token with the recorded bodies of {@code src/test/resources/copilot-quota/} (sources in its README).
 */
public final class QuotaStandIn {

    public static final String PATH = "/copilot_internal/user";
    public static final String PAID = "paid-premium-left.json";
    public static final String FREE = "free-plan.json";
    public static final String UNLIMITED = "unlimited.json";
    public static final String FIELDS_MISSING = "fields-missing.json";
    public static final String UNKNOWN_SHAPE = "unknown-shape.json";

    private QuotaStandIn() {
    }

    /** The recorded body of {@code file}. */
    public static String body(String file) {
        return Repo.read(Repo.path("keeper/src/test/resources/copilot-quota/" + file));
    }

    /** 200 with the recorded body of {@code file}. */
    public static ResponseDefinitionBuilder answer(String file) {
        return json(body(file));
    }

    /** 200 with {@code body}. */
    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    /** A paid plan's answer with {@code remaining} of {@code entitlement} premium requests left, resetting at {@code resetUtc}. */
    public static String premium(long remaining, long entitlement, String resetUtc) {
        return """
                {"login":"octo-worker","copilot_plan":"business","quota_reset_date":"%s","quota_reset_date_utc":"%s",
                 "quota_snapshots":{"premium_interactions":{"entitlement":%d,"remaining":%d,"percent_remaining":%s,
                 "unlimited":false,"overage_permitted":false,"quota_id":"premium_interactions"},
                 "chat":{"entitlement":0,"remaining":0,"percent_remaining":100.0,"unlimited":true,"quota_id":"chat"}}}"""
                .formatted(resetUtc.substring(0, 10), resetUtc, entitlement, remaining, entitlement == 0 ? "100.0"
                        : Double.toString(100.0 * remaining / entitlement));
    }

    /** The request for {@code token}'s quota. */
    public static MappingBuilder forToken(String token) {
        return get(urlEqualTo(PATH)).withHeader("Authorization", equalTo("token " + token));
    }

    /** Answers {@code token}'s quota calls with {@code response}; returns the stub's id (to edit it). */
    public static UUID stub(WireMockServer server, String token, ResponseDefinitionBuilder response) {
        UUID id = UUID.randomUUID();
        server.stubFor(forToken(token).withId(id).willReturn(response));
        return id;
    }

    /** A quota client asking {@code github} (its base URL, plus {@code path}) with the deadline {@code timeout}. */
    public static QuotaClient client(WireMockServer github, String path, java.time.Duration timeout) {
        return new QuotaClient(java.net.URI.create(github.baseUrl() + path), timeout, "opencode-keeper/test", java.time.Clock.systemUTC());
    }

    /** The host the reasons name for {@code github}. */
    public static String host(WireMockServer github) {
        return java.net.URI.create(github.baseUrl()).getHost();
    }

    /** Calls made for {@code token}'s quota. */
    public static int calls(WireMockServer server, String token) {
        return server.countRequestsMatching(getRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("token " + token))
                .build()).getCount();
    }
}
