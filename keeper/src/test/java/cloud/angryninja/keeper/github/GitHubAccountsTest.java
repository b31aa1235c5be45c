package cloud.angryninja.keeper.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.login.GitHubWireMock;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/** {@code GET /user} with a credential's token, against a WireMock GitHub: the login, refusals, no answer, no secret. */
/*
 * @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
 * time); the test resource is the one shared by the tests that need no workspace of the application's own.
 */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class GitHubAccountsTest {

    static final String TOKEN = "gho_ACCOUNTcanary0001";

    WireMockServer github;
    GitHubAccounts accounts;

    @BeforeEach
    void start() {
        github = GitHubWireMock.started();
        accounts = new GitHubAccounts(URI.create(github.baseUrl() + "/"),
                Duration.ofSeconds(2), "opencode-keeper/test");
    }

    @AfterEach
    void stop() {
        github.stop();
    }

    @Test
    void theLoginOfTheTokensAccount() {
        GitHubWireMock.user(github, TOKEN, "octo-cat");

        assertThat(accounts.login(new CopilotCredential(TOKEN, Optional.empty()))).isEqualTo(new GitHubAccounts.Login("octo-cat"));
        github.verify(getRequestedFor(urlEqualTo("/user")).withHeader("Authorization", equalTo("token " + TOKEN))
                .withHeader("Accept", equalTo("application/vnd.github+json")).withHeader("User-Agent", equalTo("opencode-keeper/test")));
    }

    @Test
    void refusalsAndOddAnswersNameNoAccountAndNoSecret() {
        github.stubFor(get(urlEqualTo("/user")).willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}")));
        assertThat(accounts.login(new CopilotCredential(TOKEN, Optional.empty()))).isEqualTo(new GitHubAccounts.Refused(401));

        for (String body : new String[] {"{}", "{\"login\":\"not a login\"}", "{\"login\":42}", "not json", "{\"login\":\"-lead\"}"}) {
            github.resetAll();
            github.stubFor(get(urlEqualTo("/user")).willReturn(aResponse().withStatus(200).withBody(body)));
            GitHubAccounts.Answer a = accounts.login(new CopilotCredential(TOKEN, Optional.empty()));
            assertThat(a).as(body).isInstanceOf(GitHubAccounts.NoAnswer.class);
            assertThat(((GitHubAccounts.NoAnswer) a).reason()).contains("without a login").doesNotContain(TOKEN);
        }
        github.resetAll();
        github.stubFor(get(urlEqualTo("/user")).willReturn(aResponse().withStatus(502)));
        assertThat(((GitHubAccounts.NoAnswer) accounts.login(new CopilotCredential(TOKEN, Optional.empty()))).reason())
                .endsWith("answered GET /user with HTTP 502");

        GitHubAccounts closed = new GitHubAccounts(
                URI.create("http://127.0.0.1:" + Loopback.freePort()), Duration.ofSeconds(2), "t");
        assertThat(((GitHubAccounts.NoAnswer) closed.login(new CopilotCredential(TOKEN, Optional.empty()))).reason())
                .contains("could not be reached").doesNotContain(TOKEN);
    }

    @Test
    void anEnterpriseCredentialIsAskedAtItsOwnDomain() {
        assertThat(GitHubAccounts.apiBase(URI.create("https://api.github.com"), Optional.of("company.ghe.com")))
                .isEqualTo(URI.create("https://company.ghe.com/api/v3"));
        assertThat(GitHubAccounts.apiBase(URI.create("https://api.github.com///"), Optional.empty()))
                .isEqualTo(URI.create("https://api.github.com"));
    }
}
