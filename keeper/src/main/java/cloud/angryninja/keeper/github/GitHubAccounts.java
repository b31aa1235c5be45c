package cloud.angryninja.keeper.github;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.callout.ClientCache;
import cloud.angryninja.keeper.callout.Reply;
import cloud.angryninja.keeper.callout.RestClients;
import cloud.angryninja.keeper.copilot.CopilotCredential;

/**
 * The GitHub account behind a Copilot credential: {@code GET {keeper.github.api-url}/user} with
 * {@code Authorization: token <refresh>} (OpenCode's token has the {@code read:user} scope), or
 * {@code https://<enterpriseUrl>/api/v3/user} for a GitHub Enterprise credential. The token is sent nowhere else and
 * never named in an answer: a failure says which host and what kind. One {@link GitHubRestClient} per API base, built
 * at its first call; {@code keeper.github.timeout} is its connect timeout and the deadline of the whole call.
 */
@ApplicationScoped
public class GitHubAccounts {

    /** A GitHub login: letters, digits and single inner hyphens, at most 39 characters. */
    static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");

    /** What GitHub said of a credential. */
    public sealed interface Answer permits Login, Refused, NoAnswer {
    }

    /** GitHub names the account. */
    public record Login(String login) implements Answer {
    }

    /** GitHub refuses the token ({@code 401}, {@code 403}). */
    public record Refused(int status) implements Answer {
    }

    /** No account named: no answer, another status, an answer that is not a login; {@code reason} holds no secret. */
    public record NoAnswer(String reason) implements Answer {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI apiUrl;
    private final Duration timeout;
    private final String userAgent;
    private final ClientCache<URI, GitHubRestClient> clients = new ClientCache<>(16);

    @Inject
    public GitHubAccounts(GitHubApiConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(config.apiUrl(), config.timeout(), "opencode-keeper/" + version);
    }

    public GitHubAccounts(URI apiUrl, Duration timeout, String userAgent) {
        this.apiUrl = apiUrl;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    /** Pure: the API base a credential's account is asked at ({@code GET /user} there): an enterprise credential's own domain. */
    static URI apiBase(URI apiUrl, Optional<String> enterpriseDomain) {
        return enterpriseDomain.map(d -> URI.create("https://" + d + "/api/v3")).orElse(RestClients.withoutTrailingSlash(apiUrl));
    }

    /** The login of the account whose token the credential holds. */
    public Answer login(CopilotCredential credential) {
        URI base = apiBase(apiUrl, credential.enterpriseUrl());
        String host = base.getHost();
        Reply reply = Reply.await(() -> clients.get(base, base, () -> RestClients.builder(base, timeout, timeout, userAgent)
                .build(GitHubRestClient.class)).user(credential.refresh()), timeout);
        if (reply.failure().isPresent()) {
            return switch (reply.failure().get().kind()) {
                case TIMEOUT -> new NoAnswer("GitHub at " + host + " did not answer GET /user within " + timeout.toMillis() + " ms");
                case INTERRUPTED -> new NoAnswer("GET /user was interrupted");
                case CONNECT, OTHER -> new NoAnswer("GitHub at " + host + " could not be reached (" + reply.failure().get().name() + ")");
            };
        }
        return answer(reply.status(), reply.body(), host);
    }

    /** Pure: GitHub's answer read. */
    static Answer answer(int status, String body, String host) {
        if (status == 401 || status == 403) {
            return new Refused(status);
        }
        if (status != 200) {
            return new NoAnswer("GitHub at " + host + " answered GET /user with HTTP " + status);
        }
        try {
            JsonNode login = JSON.readTree(body).path("login");
            if (login.isTextual() && LOGIN.matcher(login.asText()).matches()) {
                return new Login(login.asText());
            }
        } catch (IOException | RuntimeException e) {
            // falls through: not an account
        }
        return new NoAnswer("GitHub at " + host + " answered GET /user without a login");
    }
}
