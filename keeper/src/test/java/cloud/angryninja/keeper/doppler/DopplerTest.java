package cloud.angryninja.keeper.doppler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import cloud.angryninja.keeper.testing.LogCapture;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/** The Doppler client against a WireMock Doppler: request shape, retries, bounds, and no secret in any message or log. */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
@WithTestResource(DopplerWireMock.class)
class DopplerTest {

    private static final String FLUX = "OPENCODE_FLUX_COPILOT_AUTH_JSON";
    private static final String HA = "OPENCODE_HA_COPILOT_AUTH_JSON";
    private static final String FLUX_VALUE = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_FLUXsecretREFRESH1\"}}";
    private static final String HA_VALUE = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_HAsecretREFRESH22\"}}";
    private static final String BEARER = "Bearer " + DopplerWireMock.TOKEN;

    @DopplerWireMock.Server
    WireMockServer doppler;

    @Inject
    Doppler client;

    @Inject
    DopplerConfig config;

    private LogCapture logs;

    @BeforeEach
    void reset() {
        doppler.resetAll();
        logs = LogCapture.start();
    }

    @AfterEach
    void noSecretInLogs() {
        logs.closeAndAssertNoLineHolds(DopplerWireMock.TOKEN, FLUX_VALUE, HA_VALUE, "gho_FLUXsecretREFRESH1", "gho_HAsecretREFRESH22");
    }

    private static Map<String, String> bothSecrets() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put(FLUX, FLUX_VALUE);
        secrets.put(HA, HA_VALUE);
        return secrets;
    }

    private static void assertNoSecretIn(Throwable e) {
        assertThat(e.getMessage()).doesNotContain(DopplerWireMock.TOKEN, FLUX_VALUE, HA_VALUE, "gho_");
        assertThat(e.toString()).doesNotContain(DopplerWireMock.TOKEN, "gho_");
    }

    @Test
    void writeSendsOneRequestWithBearerTokenAndAllSecrets() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).willReturn(okJson("{\"secrets\":{},\"success\":true}")));

        client.write(bothSecrets());

        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH))
                .withHeader("Authorization", equalTo(BEARER))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"project":"opencode","config":"prd","secrets":{"%s":%s,"%s":%s}}"""
                        .formatted(FLUX, quoted(FLUX_VALUE), HA, quoted(HA_VALUE)))));
        assertThat(DopplerWireMock.latestValue(doppler, HA)).contains(HA_VALUE);
    }

    @Test
    void readAsksForEachNameAndMapsMissingToEmpty() {
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).withQueryParam("name", equalTo(FLUX))
                .willReturn(okJson("{\"name\":\"%s\",\"value\":{\"raw\":%s,\"computed\":%s}}"
                        .formatted(FLUX, quoted(FLUX_VALUE), quoted(FLUX_VALUE)))));
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).withQueryParam("name", equalTo(HA))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"messages\":[\"Could not find requested secret: " + HA + "\"],\"success\":false}")));

        Map<String, Optional<String>> values = client.read(List.of(FLUX, HA));

        assertThat(values).containsExactly(Map.entry(FLUX, Optional.of(FLUX_VALUE)), Map.entry(HA, Optional.empty()));
        doppler.verify(2, getRequestedFor(urlPathEqualTo(DopplerWireMock.READ_PATH))
                .withHeader("Authorization", equalTo(BEARER))
                .withQueryParam("project", equalTo(DopplerWireMock.PROJECT))
                .withQueryParam("config", equalTo(DopplerWireMock.CONFIG)));
    }

    @Test
    void rateLimitWaitsForRetryAfterThenRetries() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("429").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withHeader("Content-Type", "application/json")
                        .withBody("{\"messages\":[\"Rate limit exceeded\"],\"success\":false}"))
                .willSetStateTo("limited"));
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("429").whenScenarioStateIs("limited")
                .willReturn(okJson("{\"success\":true}")));

        client.write(bothSecrets());

        List<ServeEvent> events = servedOldestFirst();
        assertThat(events).hasSize(2);
        long gapMillis = events.get(1).getRequest().getLoggedDate().getTime() - events.get(0).getRequest().getLoggedDate().getTime();
        // the backoff alone would be 50 ms; Retry-After says 2 s
        assertThat(gapMillis).isBetween(1900L, 4000L);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        String inAnHour = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1));
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", inAnHour)));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.write(bothSecrets()));

        assertThat(e.getMessage()).contains("exceeds keeper.doppler.max-retry-after");
        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertNoSecretIn(e);
    }

    @Test
    void rateLimitLongerThanTheBoundFailsAtOnce() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.write(bothSecrets()));

        assertThat(e.reason()).isEqualTo(DopplerException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("Retry-After 3600 s exceeds keeper.doppler.max-retry-after");
        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertNoSecretIn(e);
    }

    @Test
    void serverErrorIsRetriedUntilSuccess() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("500").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("500").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"success\":true}")));

        client.write(bothSecrets());

        doppler.verify(2, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
    }

    @Test
    void persistentServerErrorStopsAfterBoundedAttempts() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messages\":[\"Service unavailable\"],\"success\":false}")));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.write(bothSecrets()));

        int attempts = config.maxRetries() + 1;
        assertThat(e.reason()).isEqualTo(DopplerException.Reason.UNAVAILABLE);
        assertThat(e.attempts()).isEqualTo(attempts);
        assertThat(e.getMessage()).contains("failed after " + attempts + " attempt(s)", "HTTP 503", "Service unavailable", FLUX, HA);
        doppler.verify(attempts, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertNoSecretIn(e);
        // the log capture sees the retry lines, so the leak check after each test has something to look at
        assertThat(logs.linesContaining("attempt " + attempts + " failed: HTTP 503")).hasSize(1);
    }

    @Test
    void timedOutRequestIsRetried() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"success\":true}").withFixedDelay(3_000)).willSetStateTo("fast"));
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(okJson("{\"success\":true}")));

        long start = System.nanoTime();
        client.write(bothSecrets());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_900));
        doppler.verify(2, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
    }

    @Test
    void persistentTimeoutFailsWithClearMessage() {
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(okJson("{}").withFixedDelay(3_000)));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.read(List.of(FLUX)));

        assertThat(e.reason()).isEqualTo(DopplerException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("read of secret " + FLUX, "timed out", "failed after " + (config.maxRetries() + 1));
        doppler.verify(config.maxRetries() + 1, getRequestedFor(urlPathEqualTo(DopplerWireMock.READ_PATH)));
    }

    @Test
    void badTokenFailsAtOnceWithoutRetry() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messages\":[\"Invalid Auth token\"],\"success\":false}")));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.write(bothSecrets()));

        assertThat(e.reason()).isEqualTo(DopplerException.Reason.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("HTTP 401", "keeper.doppler.token", "Invalid Auth token");
        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertNoSecretIn(e);
    }

    @Test
    void dopplerMessageEchoingASecretValueIsWithheld() {
        doppler.stubFor(post(DopplerWireMock.WRITE_PATH).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messages\":[" + quoted("Invalid value " + HA_VALUE) + "],\"success\":false}")));

        DopplerException e = catchThrowableOfType(DopplerException.class, () -> client.write(bothSecrets()));

        assertThat(e.reason()).isEqualTo(DopplerException.Reason.REJECTED);
        assertThat(e.getMessage()).contains("HTTP 400", "message withheld");
        assertNoSecretIn(e);
    }

    @Test
    void missingTokenFailsClearlyAndSendsNothing() {
        Doppler unconfigured = new Doppler(new WithoutToken(config));

        assertThatThrownBy(() -> unconfigured.write(bothSecrets()))
                .isInstanceOf(DopplerException.class)
                .hasMessageContaining("keeper.doppler.token is not set");
        assertThatThrownBy(() -> unconfigured.read(List.of(FLUX)))
                .hasMessageContaining("keeper.doppler.token is not set");
        assertThat(doppler.getAllServeEvents()).isEmpty();
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> client.write(Map.of())).hasMessageContaining("no secrets given");
        assertThatThrownBy(() -> client.write(Map.of("bad name", "x"))).hasMessageContaining("invalid secret name 'bad name'");
        assertThatThrownBy(() -> client.read(List.of())).hasMessageContaining("no secret names given");
        assertThat(doppler.getAllServeEvents()).isEmpty();
    }

    private List<ServeEvent> servedOldestFirst() {
        return doppler.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(ev -> ev.getRequest().getLoggedDate()))
                .toList();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The test settings with the token removed. */
    private record WithoutToken(DopplerConfig base) implements DopplerConfig {
        public String apiUrl() { return base.apiUrl(); }
        public Optional<String> token() { return Optional.empty(); }
        public Optional<String> project() { return base.project(); }
        public Optional<String> config() { return base.config(); }
        public Duration connectTimeout() { return base.connectTimeout(); }
        public Duration requestTimeout() { return base.requestTimeout(); }
        public int maxRetries() { return base.maxRetries(); }
        public Duration retryDelay() { return base.retryDelay(); }
        public Duration maxRetryDelay() { return base.maxRetryDelay(); }
        public Duration maxRetryAfter() { return base.maxRetryAfter(); }
        public Duration retryMaxDuration() { return base.retryMaxDuration(); }
    }
}
