package cloud.angryninja.keeper.login;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.login.DeviceFlow.Answer;
import cloud.angryninja.keeper.login.DeviceFlow.DeviceCode;
import cloud.angryninja.keeper.login.DeviceFlow.GitHubException;

/**
 * The two requests of GitHub's device flow, as OpenCode 1.18.33 sends them: JSON bodies with OpenCode's client id,
 * {@code Accept: application/json}. Failures to get an answer are {@link GitHubException}s whose message names the
 * endpoint and the kind of failure, never a code or a token.
 */
@ApplicationScoped
public class DeviceFlowClient {

    private final HttpClient http;
    private final String clientId;
    private final String scope;
    private final Duration timeout;
    private final String userAgent;

    @Inject
    public DeviceFlowClient(HttpClient http, LoginConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(http, config.clientId(), config.scope(), config.timeout(), "opencode-keeper/" + version);
    }

    public DeviceFlowClient(HttpClient http, String clientId, String scope, Duration timeout, String userAgent) {
        this.http = http;
        this.clientId = clientId;
        this.scope = scope;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    /** {@code POST {host}/login/device/code}. */
    public DeviceCode deviceCode(URI host) throws GitHubException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("client_id", clientId).put("scope", scope);
        HttpResponse<String> response = send(DeviceFlow.join(host, "/login/device/code"), body.toString(), "the device code request");
        return DeviceFlow.deviceCode(response.statusCode(), response.body());
    }

    /** {@code POST {host}/login/oauth/access_token} with the device code. */
    public Answer poll(URI host, DeviceCode code) throws GitHubException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("client_id", clientId).put("device_code", code.deviceCode())
                .put("grant_type", DeviceFlow.GRANT_TYPE);
        HttpResponse<String> response = send(DeviceFlow.join(host, "/login/oauth/access_token"), body.toString(), "the token poll");
        return DeviceFlow.answer(response.statusCode(), response.body());
    }

    private HttpResponse<String> send(URI uri, String body, String what) throws GitHubException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new GitHubException("GitHub did not answer " + what + " at " + uri.getHost() + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new GitHubException("GitHub could not be reached for " + what + " at " + uri.getHost() + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(what + " was interrupted");
        }
    }
}
