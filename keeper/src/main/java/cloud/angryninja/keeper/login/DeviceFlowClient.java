package cloud.angryninja.keeper.login;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import cloud.angryninja.keeper.callout.ClientCache;
import cloud.angryninja.keeper.callout.Reply;
import cloud.angryninja.keeper.callout.RestClients;
import cloud.angryninja.keeper.login.DeviceFlow.Answer;
import cloud.angryninja.keeper.login.DeviceFlow.DeviceCode;
import cloud.angryninja.keeper.login.DeviceFlow.GitHubException;

/**
 * The two requests of GitHub's device flow, as OpenCode 1.18.33 sends them: JSON bodies with OpenCode's client id,
 * {@code Accept: application/json}. Failures to get an answer are {@link GitHubException}s whose message names the
 * endpoint and the kind of failure, never a code or a token. One {@link DeviceFlowRestClient} per host, built at its
 * first request; {@code keeper.login.timeout} is its connect timeout and the deadline of each whole request.
 */
@ApplicationScoped
public class DeviceFlowClient {

    private final String clientId;
    private final String scope;
    private final Duration timeout;
    private final String userAgent;
    /** github.com and the few Enterprise domains logins name; more drop the least recently used. */
    private final ClientCache<URI, DeviceFlowRestClient> clients = new ClientCache<>(8);

    @Inject
    public DeviceFlowClient(LoginConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(config.clientId(), config.scope(), config.timeout(), "opencode-keeper/" + version);
    }

    public DeviceFlowClient(String clientId, String scope, Duration timeout, String userAgent) {
        this.clientId = clientId;
        this.scope = scope;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    /** {@code POST {host}/login/device/code}. */
    public DeviceCode deviceCode(URI host) throws GitHubException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("client_id", clientId).put("scope", scope);
        Reply reply = send(host, api -> api.deviceCode(body.toString()), "the device code request");
        return DeviceFlow.deviceCode(reply.status(), reply.body());
    }

    /** {@code POST {host}/login/oauth/access_token} with the device code. */
    public Answer poll(URI host, DeviceCode code) throws GitHubException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("client_id", clientId).put("device_code", code.deviceCode())
                .put("grant_type", DeviceFlow.GRANT_TYPE);
        Reply reply = send(host, api -> api.accessToken(body.toString()), "the token poll");
        return DeviceFlow.answer(reply.status(), reply.body());
    }

    /** One request to {@code host}; its answer, whatever the status, or a {@link GitHubException} when none came. */
    private Reply send(URI host, Function<DeviceFlowRestClient, Uni<Response>> request, String what) throws GitHubException {
        URI base = RestClients.withoutTrailingSlash(host);
        Reply reply = Reply.await(() -> request.apply(clients.get(base, base,
                () -> RestClients.builder(base, timeout, timeout, userAgent).build(DeviceFlowRestClient.class))), timeout);
        if (reply.failure().isEmpty()) {
            return reply;
        }
        throw switch (reply.failure().get().kind()) {
            case TIMEOUT -> new GitHubException("GitHub did not answer " + what + " at " + base.getHost() + " within " + timeout.toMillis()
                    + " ms");
            case INTERRUPTED -> new GitHubException(what + " was interrupted");
            case CONNECT, OTHER -> new GitHubException("GitHub could not be reached for " + what + " at " + base.getHost() + " ("
                    + reply.failure().get().name() + ")");
        };
    }
}
