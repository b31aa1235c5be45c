package cloud.angryninja.keeper.quota;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.quota.QuotaAnswer.Result;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/** The quota call against a WireMock GitHub API answering as the recorded shapes, and failing every way seen. */
/*
 * @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
 * time); the test resource is the one shared by the tests that need no workspace of the application's own.
 */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class QuotaClientTest extends QuotaStandInTest {

    static final String TOKEN = "gho_QuotaClientCANARY";

    QuotaClient client;

    @BeforeEach
    void setUp() {
        github.resetAll();
        client = QuotaStandIn.client(github, "/api/", Duration.ofMillis(1500));
    }

    private QuotaAnswer answering(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        // under /api: the configured API's path is kept
        github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/api" + QuotaStandIn.PATH))
                .withHeader("Authorization", equalTo("token " + TOKEN)).willReturn(response));
        QuotaAnswer answer = client.fetch(new CopilotCredential(TOKEN, Optional.empty()));
        assertThat(answer.reason()).doesNotContain(TOKEN).doesNotContain("CANARY");
        return answer;
    }

    @Test
    void asksAsCopilotClientsDoWithTheTokenScheme() {
        QuotaAnswer answer = answering(QuotaStandIn.answer(QuotaStandIn.PAID));

        assertThat(answer.result()).isEqualTo(Result.ANSWERED);
        assertThat(answer.quota().orElseThrow().premium().orElseThrow().remaining()).hasValue(213);
        github.verify(1, getRequestedFor(urlEqualTo("/api/copilot_internal/user"))
                .withHeader("Authorization", equalTo("token " + TOKEN))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("opencode-keeper/test")));
    }

    @Test
    void everyRecordedShapeIsAnswered() {
        for (String file : new String[] {QuotaStandIn.PAID, QuotaStandIn.FREE, QuotaStandIn.UNLIMITED, QuotaStandIn.FIELDS_MISSING}) {
            assertThat(answering(QuotaStandIn.answer(file)).result()).as(file).isEqualTo(Result.ANSWERED);
        }
    }

    @Test
    void anAnswerOfUnknownShapeIsNoQuota() {
        QuotaAnswer answer = answering(QuotaStandIn.answer(QuotaStandIn.UNKNOWN_SHAPE));

        assertThat(answer.result()).isEqualTo(Result.UNKNOWN_SHAPE);
        assertThat(answer.quota()).isEmpty();
        assertThat(answer.reason()).startsWith("HTTP 200 from " + host() + "/copilot_internal/user without a quota field");
    }

    @Test
    void notFoundRefusedRateLimitedAndServerErrorsAreNoQuota() {
        String echo = "{\"message\":\"Bad credentials " + TOKEN + "\"}";
        assertThat(answering(aResponse().withStatus(404).withBody(echo)).result()).isEqualTo(Result.NOT_FOUND);
        QuotaAnswer refused = answering(aResponse().withStatus(403).withBody("{\"message\":\"Resource not accessible by integration\"}"));
        assertThat(refused.result()).isEqualTo(Result.REFUSED);
        assertThat(refused.reason()).contains("HTTP 403", "the Copilot verdict is the probe's");
        assertThat(answering(aResponse().withStatus(401).withBody(echo)).result()).isEqualTo(Result.REFUSED);
        QuotaAnswer limited = answering(aResponse().withStatus(429).withHeader("Retry-After", "60").withBody(echo));
        assertThat(limited.result()).isEqualTo(Result.RATE_LIMITED);
        assertThat(limited.quota()).isEmpty();
        assertThat(answering(aResponse().withStatus(502).withBody(echo)).result()).isEqualTo(Result.SERVER_ERROR);
        assertThat(answering(aResponse().withStatus(302).withHeader("Location", "https://github.com/login")).result())
                .isEqualTo(Result.UNEXPECTED_STATUS);
    }

    @Test
    void aSlowAnswerEndsAtTheDeadline() {
        long start = System.nanoTime();
        QuotaAnswer answer = answering(QuotaStandIn.answer(QuotaStandIn.PAID).withFixedDelay(5000));

        assertThat(answer.result()).isEqualTo(Result.TIMEOUT);
        assertThat(answer.reason()).contains("within 1500 ms (keeper.github.timeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void nobodyListeningIsAConnectionFailure() {
        QuotaClient nowhere = new QuotaClient(
                URI.create("http://127.0.0.1:" + Loopback.freePort()), Duration.ofSeconds(1), "opencode-keeper/test", Clock.systemUTC());

        QuotaAnswer answer = nowhere.fetch(new CopilotCredential(TOKEN, Optional.empty()));

        assertThat(answer.result()).isEqualTo(Result.CONNECTION);
        assertThat(answer.reason()).startsWith("cannot connect to 127.0.0.1");
    }

    @Test
    void aDeadlineOfZeroStopsTheStart() {
        for (String timeout : new String[] {"0s", "-1s"}) {
            org.assertj.core.api.Assertions.assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(
                    cloud.angryninja.keeper.github.GitHubApiConfig.class, java.util.Map.of("keeper.github.timeout", timeout)))
                    .as(timeout).containsExactly("keeper.github.timeout must be longer than 0 (a duration such as 500ms, 10s or 5m)");
        }
    }

    @Test
    void anEnterpriseCredentialIsAskedAtItsOwnDomainsApi() {
        URI api = URI.create("https://api.github.com");
        assertThat(QuotaClient.apiBase(new CopilotCredential(TOKEN, Optional.of("ghe.example.com")), api))
                .isEqualTo(URI.create("https://ghe.example.com/api/v3"));
        assertThat(QuotaClient.apiBase(new CopilotCredential(TOKEN, Optional.empty()), api)).isEqualTo(api);
    }
}
