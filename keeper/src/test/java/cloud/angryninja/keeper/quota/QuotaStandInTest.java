package cloud.angryninja.keeper.quota;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.github.tomakehurst.wiremock.WireMockServer;

import cloud.angryninja.keeper.login.GitHubWireMock;

/** What the quota tests share: one GitHub stand-in for the class, started before its first test, stopped after its last. */
abstract class QuotaStandInTest {

    static WireMockServer github;

    @BeforeAll
    static void startGitHub() {
        github = GitHubWireMock.started();
    }

    @AfterAll
    static void stopGitHub() {
        github.stop();
    }

    /** The stand-in's {@code host:port}, as the quota's log lines name the API. */
    static String host() {
        return QuotaStandIn.host(github);
    }
}
