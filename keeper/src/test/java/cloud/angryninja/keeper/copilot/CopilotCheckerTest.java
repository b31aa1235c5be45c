package cloud.angryninja.keeper.copilot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CredentialCheck.Verdict;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.Tier;

/** The Copilot {@code /models} call against a WireMock stand-in of the Copilot API. */
/*
 * @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
 * time); the test resource is the one shared by the tests that need no workspace of the application's own.
 */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class CopilotCheckerTest {

    static final String TOKEN = "gho_CheckerTestToken";
    static final String MODELS = """
            {"data":[{"id":"gpt-5-mini","model_picker_enabled":true},{"id":"claude-sonnet-4.6","model_picker_enabled":true},
                     {"id":"text-embedding-3-small","model_picker_enabled":false},{"id":"old"}],"object":"list"}""";

    static WireMockServer copilot;
    CopilotChecker checker;

    @BeforeAll
    static void startStub() {
        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
    }

    @AfterAll
    static void stopStub() {
        copilot.stop();
    }

    @BeforeEach
    void setUp() {
        copilot.resetAll();
        checker = new CopilotChecker(URI.create(copilot.baseUrl() + "/api"),
                Duration.ofMillis(1500), "2026-06-01", "opencode-keeper/test");
    }

    private CredentialCheck checkWithStatus(int status, String body) {
        copilot.stubFor(get(urlEqualTo("/api/models")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
        return checker.check(new CopilotCredential(TOKEN, Optional.empty()));
    }

    @Test
    void validCountsPickerModelsAndSendsWhatOpenCodeSends() {
        CredentialCheck c = checkWithStatus(200, MODELS);

        assertThat(c.verdict()).isEqualTo(Verdict.VALID);
        assertThat(c.httpStatus()).isEqualTo(200);
        assertThat(c.models()).isEqualTo(2);
        assertThat(c.error()).isEmpty();
        copilot.verify(1, getRequestedFor(urlEqualTo("/api/models"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("X-GitHub-Api-Version", equalTo("2026-06-01"))
                .withHeader("User-Agent", matching("opencode-keeper/.+")));
    }

    @Test
    void revokedOrExpiredIsInvalid() {
        CredentialCheck c = checkWithStatus(401, "{\"message\":\"Bad credentials " + TOKEN + "\"}");

        assertThat(c.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(c.httpStatus()).isEqualTo(401);
        assertThat(c.reason()).contains("revoked or expired").doesNotContain(TOKEN);
    }

    @Test
    void noEntitlementIsInvalid() {
        CredentialCheck c = checkWithStatus(403, "{\"message\":\"no copilot\"}");

        assertThat(c.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(c.reason()).contains("no Copilot entitlement");
    }

    @Test
    void serverErrorIsUnknownNeverInvalid() {
        CredentialCheck c = checkWithStatus(500, "oops");

        assertThat(c.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(c.error()).contains(CredentialCheck.Error.SERVER_ERROR);
    }

    @Test
    void unexpectedStatusAndBadBodyAreUnknown() {
        assertThat(checkWithStatus(429, "{}").error()).contains(CredentialCheck.Error.UNEXPECTED_STATUS);
        CredentialCheck notAList = checkWithStatus(200, "<html>proxy login</html>");
        assertThat(notAList.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(notAList.reason()).contains("not a Copilot model list");
    }

    @Test
    void timeoutIsUnknown() {
        copilot.stubFor(get(urlEqualTo("/api/models")).willReturn(aResponse().withStatus(200).withBody(MODELS).withFixedDelay(5000)));

        CredentialCheck c = checker.check(new CopilotCredential(TOKEN, Optional.empty()));

        assertThat(c.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(c.error()).contains(CredentialCheck.Error.TIMEOUT);
        assertThat(c.duration()).isLessThan(Duration.ofMillis(4000));
    }

    @Test
    void refusedConnectionIsUnknown() throws IOException {
        int closed = Loopback.freePort();
        CopilotChecker refused = new CopilotChecker(
                URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(2), "2026-06-01", "opencode-keeper/test");

        CredentialCheck c = refused.check(new CopilotCredential(TOKEN, Optional.empty()));

        assertThat(c.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(c.httpStatus()).isZero();
        assertThat(c.error()).contains(CredentialCheck.Error.CONNECTION);
    }

    @Test
    void verdictMapping() {
        assertThat(CredentialCheck.verdictOf(200)).isEqualTo(Verdict.VALID);
        assertThat(CredentialCheck.verdictOf(401)).isEqualTo(Verdict.INVALID);
        assertThat(CredentialCheck.verdictOf(403)).isEqualTo(Verdict.INVALID);
        assertThat(CredentialCheck.verdictOf(502)).isEqualTo(Verdict.UNKNOWN);
        assertThat(CredentialCheck.verdictOf(404)).isEqualTo(Verdict.UNKNOWN);
    }
}
