package cloud.angryninja.keeper.copilot;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.copilot.CredentialCheck.Verdict;

/**
 * Checks a Copilot credential the way OpenCode 1.18 uses it at instance start:
 * {@code GET {base}/models} with {@code Authorization: Bearer <refresh>}, {@code X-GitHub-Api-Version}
 * and a User-Agent. Listing models costs no premium request. A failure to get an answer is UNKNOWN,
 * never INVALID.
 */
@ApplicationScoped
public class CopilotChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI defaultApi;
    private final Duration timeout;
    private final String apiVersion;
    private final String userAgent;

    @Inject
    public CopilotChecker(HttpClient http, CopilotConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(http, config.apiUrl(), config.timeout(), config.apiVersion(), "opencode-keeper/" + version);
    }

    public CopilotChecker(HttpClient http, URI defaultApi, Duration timeout, String apiVersion, String userAgent) {
        this.http = http;
        this.defaultApi = defaultApi;
        this.timeout = timeout;
        this.apiVersion = apiVersion;
        this.userAgent = userAgent;
    }

    public URI defaultApi() {
        return defaultApi;
    }

    public CredentialCheck check(CopilotCredential credential) {
        long start = System.nanoTime();
        URI models = join(credential.baseUrl(defaultApi), "/models");
        HttpRequest request = HttpRequest.newBuilder(models)
                .timeout(timeout)
                .header("Authorization", "Bearer " + credential.refresh())
                .header("X-GitHub-Api-Version", apiVersion)
                .header("User-Agent", userAgent)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Duration took = since(start);
            int status = response.statusCode();
            Verdict verdict = CredentialCheck.verdictOf(status);
            int count = verdict == Verdict.VALID ? pickerModels(response.body()) : 0;
            if (verdict == Verdict.VALID && count < 0) {
                return new CredentialCheck(Verdict.UNKNOWN, status, 0,
                        "HTTP 200 but the body is not a Copilot model list", took);
            }
            return new CredentialCheck(verdict, status, Math.max(count, 0), CredentialCheck.reasonOf(status, count), took);
        } catch (HttpTimeoutException e) {
            return CredentialCheck.timeout(timeout, since(start));
        } catch (ConnectException e) {
            return CredentialCheck.connectionFailed("cannot connect to " + models.getHost(), since(start));
        } catch (IOException e) {
            return CredentialCheck.connectionFailed(e.getClass().getSimpleName() + " talking to " + models.getHost(), since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CredentialCheck.connectionFailed("interrupted", since(start));
        }
    }

    /** Models with {@code model_picker_enabled: true} in {@code {"data":[...]}}; -1 when the body is not that. */
    static int pickerModels(String body) {
        try {
            JsonNode data = JSON.readTree(body).get("data");
            if (data == null || !data.isArray()) {
                return -1;
            }
            int n = 0;
            for (JsonNode model : data) {
                if (model.path("model_picker_enabled").asBoolean(false)) {
                    n++;
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static URI join(URI base, String path) {
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
