package cloud.angryninja.keeper.quota;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.ConfigurationException;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.github.GitHubApiConfig;
import cloud.angryninja.keeper.quota.QuotaAnswer.Result;

/**
 * Reads a credential's Copilot quota as Copilot clients do: {@code GET {api}/copilot_internal/user} with
 * {@code Authorization: token <refresh token>}, where {@code api} is {@code keeper.github.api-url}, or
 * {@code https://<enterpriseUrl>/api/v3} for a GitHub Enterprise credential. One deadline per call
 * ({@code keeper.github.timeout}); any failure is an answer without quota, never an exception.
 */
@io.quarkus.runtime.Startup // its deadline is checked at start-up, not at the first quota read
@ApplicationScoped
public class QuotaClient {

    static final String PATH = "/copilot_internal/user";

    private final HttpClient http;
    private final URI defaultApi;
    private final Duration timeout;
    private final String userAgent;
    private final Clock clock;

    @Inject
    public QuotaClient(HttpClient http, GitHubApiConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(http, config.apiUrl(), positive(config.timeout()), "opencode-keeper/" + version, Clock.systemUTC());
    }

    /** The shared {@code GitHubApiConfig} carries no constraint; a deadline of 0 would fail every call, so it stops the start. */
    private static Duration positive(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigurationException("keeper.github.timeout must be longer than 0 (a duration such as 500ms, 10s or 5m)");
        }
        return timeout;
    }

    public QuotaClient(HttpClient http, URI defaultApi, Duration timeout, String userAgent, Clock clock) {
        this.http = http;
        this.defaultApi = defaultApi;
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.clock = clock;
    }

    /** Pure: the GitHub API a credential's quota is read from. */
    public static URI apiBase(CopilotCredential credential, URI defaultApi) {
        return credential.enterpriseUrl().map(d -> URI.create("https://" + d + "/api/v3")).orElse(defaultApi);
    }

    public URI apiBase(CopilotCredential credential) {
        return apiBase(credential, defaultApi);
    }

    public QuotaAnswer fetch(CopilotCredential credential) {
        URI uri = join(apiBase(credential), PATH);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "token " + credential.refresh())
                .header("Accept", "application/json")
                .header("User-Agent", userAgent)
                .GET()
                .build();
        String where = uri.getHost() + PATH;
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            return switch (status) {
                case 200 -> QuotaAnswerParser.parse(response.body()).map(q -> QuotaAnswer.answered(q, clock.instant()))
                        .orElseGet(() -> failed(Result.UNKNOWN_SHAPE, "HTTP 200 from " + where + " without a quota field the keeper reads"));
                case 404 -> failed(Result.NOT_FOUND, "HTTP 404 from " + where + ": no quota endpoint for this token");
                case 401, 403 -> failed(Result.REFUSED, "HTTP " + status + " from " + where
                        + ": this token may not read its quota (the Copilot verdict is the probe's)");
                case 429 -> failed(Result.RATE_LIMITED, "HTTP 429 from " + where + ": GitHub's rate limit");
                default -> status >= 500 ? failed(Result.SERVER_ERROR, "HTTP " + status + " from " + where)
                        : failed(Result.UNEXPECTED_STATUS, "HTTP " + status + " from " + where);
            };
        } catch (HttpTimeoutException e) {
            return failed(Result.TIMEOUT, "no answer from " + where + " within " + timeout.toMillis() + " ms (keeper.github.timeout)");
        } catch (ConnectException e) {
            return failed(Result.CONNECTION, "cannot connect to " + uri.getHost());
        } catch (IOException e) {
            return failed(Result.CONNECTION, e.getClass().getSimpleName() + " talking to " + uri.getHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(Result.CONNECTION, "interrupted");
        }
    }

    private QuotaAnswer failed(Result result, String reason) {
        return QuotaAnswer.failed(result, reason, clock.instant());
    }

    static URI join(URI base, String path) {
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }
}
