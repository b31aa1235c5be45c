package cloud.angryninja.keeper.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.testing.Tier;

/** The pure device flow: GitHub's answers read as OpenCode 1.18.33 reads them, the waits, the domain rule, the auth.json. */
@Tier.Unit
class DeviceFlowTest {

    static final String SECRET = "gho_DEVICEFLOWcanary77";

    @Test
    void theDeviceCodeAnswerIsReadAndItsToStringHidesTheDeviceCode() throws Exception {
        DeviceFlow.DeviceCode code = DeviceFlow.deviceCode(200, "{\"device_code\":\"dc-" + SECRET + "\",\"user_code\":\"WDJB-MJHT\","
                + "\"verification_uri\":\"https://github.com/login/device\",\"expires_in\":899,\"interval\":5}");
        assertThat(code.userCode()).isEqualTo("WDJB-MJHT");
        assertThat(code.verificationUri()).isEqualTo(URI.create("https://github.com/login/device"));
        assertThat(code.expiresIn()).isEqualTo(Duration.ofSeconds(899));
        assertThat(code.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(code.toString()).doesNotContain(SECRET);
        assertThat(DeviceFlow.deviceCode(200, "{\"device_code\":\"d\",\"user_code\":\"A-B\",\"verification_uri\":\"https://x/d\","
                + "\"expires_in\":60}").interval()).as("RFC 8628 default").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aBadDeviceCodeAnswerIsRefusedWithoutEchoingIt() {
        record Case(int status, String body, String message) {
        }
        for (Case c : new Case[] {
                new Case(404, "{\"error\":\"Not Found " + SECRET + "\"}", "GitHub answered HTTP 404 to the device code request"),
                new Case(401, "{\"error\":\"incorrect_client_credentials\"}", "HTTP 401 to the device code request (incorrect_client_credentials)"),
                new Case(200, "{\"error\":\"device_flow_disabled\"}", "refused the device code request: device_flow_disabled"),
                new Case(200, "<html>" + SECRET, "not JSON"),
                new Case(200, "[1]", "not a JSON object"),
                new Case(200, "{\"device_code\":\"" + SECRET + "\",\"verification_uri\":\"https://x\",\"expires_in\":5}", "lacks"),
                new Case(200, "{\"device_code\":\"d\",\"user_code\":\"WD JB\",\"verification_uri\":\"https://x\",\"expires_in\":5}",
                        "unexpected form"),
                new Case(200, "{\"device_code\":\"d\",\"user_code\":\"W\",\"verification_uri\":\"javascript:x\",\"expires_in\":5}",
                        "unexpected form"),
                new Case(200, "{\"device_code\":\"d\",\"user_code\":\"W\",\"verification_uri\":\"https://x\"}", "no positive expires_in")}) {
            assertThatThrownBy(() -> DeviceFlow.deviceCode(c.status(), c.body())).as(c.body())
                    .isInstanceOf(DeviceFlow.GitHubException.class).hasMessageContaining(c.message()).message().doesNotContain(SECRET);
        }
    }

    @Test
    void tokenAnswersAreReadAsOpenCodeReadsThem() {
        assertThat(DeviceFlow.answer(200, GitHubWireMock.token(SECRET))).isEqualTo(new DeviceFlow.Token(SECRET));
        assertThat(new DeviceFlow.Token(SECRET).toString()).doesNotContain(SECRET);
        assertThat(DeviceFlow.answer(200, GitHubWireMock.pending())).isEqualTo(new DeviceFlow.Pending());
        assertThat(DeviceFlow.answer(200, GitHubWireMock.slowDown())).isEqualTo(new DeviceFlow.SlowDown(Optional.empty()));
        assertThat(DeviceFlow.answer(200, "{\"error\":\"slow_down\",\"interval\":10}"))
                .isEqualTo(new DeviceFlow.SlowDown(Optional.of(Duration.ofSeconds(10))));
        assertThat(DeviceFlow.answer(200, "{\"error\":\"slow_down\",\"interval\":0}")).as("OpenCode ignores a 0 interval")
                .isEqualTo(new DeviceFlow.SlowDown(Optional.empty()));
        assertThat(DeviceFlow.answer(200, GitHubWireMock.expired())).isEqualTo(new DeviceFlow.Expired());
        assertThat(DeviceFlow.answer(200, GitHubWireMock.denied())).isEqualTo(new DeviceFlow.Denied());
        assertThat(DeviceFlow.answer(200, GitHubWireMock.error("incorrect_device_code")))
                .isEqualTo(new DeviceFlow.Failed("GitHub ended the login: incorrect_device_code"));
        assertThat(DeviceFlow.answer(200, "{\"error\":\"Bad " + SECRET + "\"}")).isEqualTo(new DeviceFlow.Failed("GitHub answered an unreadable error"));
        assertThat(DeviceFlow.answer(502, "<html>" + SECRET)).isEqualTo(new DeviceFlow.Failed("GitHub answered HTTP 502"));
        assertThat(DeviceFlow.answer(200, "{}")).as("neither token nor error: OpenCode waits").isEqualTo(new DeviceFlow.Pending());
        assertThat(DeviceFlow.answer(200, "not json")).isEqualTo(new DeviceFlow.Failed("GitHub's token answer is not a JSON object"));
    }

    @Test
    void theWaitsAreTheIntervalPlusTheMarginAndSlowDownRaisesTheInterval() {
        Duration five = Duration.ofSeconds(5);
        assertThat(DeviceFlow.nextWait(five, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(8));
        assertThat(DeviceFlow.slowedDown(five, new DeviceFlow.SlowDown(Optional.empty()), five)).isEqualTo(Duration.ofSeconds(10));
        assertThat(DeviceFlow.slowedDown(five, new DeviceFlow.SlowDown(Optional.of(Duration.ofSeconds(7))), five))
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void anEnterpriseDomainIsReducedAsOpenCodeDoesAndAnythingElseIsRefused() {
        assertThat(DeviceFlow.enterpriseDomain(null)).isEmpty();
        assertThat(DeviceFlow.enterpriseDomain("")).isEmpty();
        assertThat(DeviceFlow.enterpriseDomain("github.com")).isEmpty();
        assertThat(DeviceFlow.enterpriseDomain("company.ghe.com")).contains("company.ghe.com");
        assertThat(DeviceFlow.enterpriseDomain("https://Company.GHE.com/")).contains("company.ghe.com");
        for (String bad : new String[] {"https://ghe.example.com/path", "user@ghe.example.com", "ghe.example.com?x=1", "-ghe.com",
                "ghe..com", "ghe.com/#", "ghe com", "ftp://ghe.com", "a".repeat(300), "ghe.internal:8443", "127.0.0.1", "localhost"}) {
            assertThatThrownBy(() -> DeviceFlow.enterpriseDomain(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("?enterprise= takes a GitHub Enterprise domain such as company.ghe.com")
                    .message().doesNotContain(bad);
        }
        assertThat(DeviceFlow.host(URI.create("https://github.com"), "https", Optional.empty())).isEqualTo(URI.create("https://github.com"));
        assertThat(DeviceFlow.host(URI.create("https://github.com"), "https", Optional.of("company.ghe.com")))
                .isEqualTo(URI.create("https://company.ghe.com"));
        assertThat(DeviceFlow.join(URI.create("http://127.0.0.1:1/"), "/login/device/code"))
                .isEqualTo(URI.create("http://127.0.0.1:1/login/device/code"));
    }

    @Test
    void theAuthJsonIsTheOneOpenCodeWritesAndTheReseedTakes() throws Exception {
        JsonNode entry = new ObjectMapper().readTree(DeviceFlow.authJson(SECRET, Optional.empty())).path("github-copilot");
        assertThat(entry.toString()).isEqualTo("{\"type\":\"oauth\",\"refresh\":\"" + SECRET + "\",\"access\":\"" + SECRET + "\",\"expires\":0}");
        String enterprise = DeviceFlow.authJson(SECRET, Optional.of("company.ghe.com"));
        CopilotCredential credential = AuthJson.parse(enterprise);
        assertThat(credential.refresh()).isEqualTo(SECRET);
        assertThat(credential.enterpriseUrl()).contains("company.ghe.com");
        assertThat(credential.baseUrl(URI.create("https://api.githubcopilot.com"))).isEqualTo(URI.create("https://copilot-api.company.ghe.com"));
        assertThat(cloud.angryninja.keeper.reseed.ReseedInput.parse(enterprise.getBytes()).authJson()).isEqualTo(enterprise);
    }
}
