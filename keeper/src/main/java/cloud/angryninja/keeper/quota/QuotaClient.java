package cloud.angryninja.keeper.quota;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import cloud.angryninja.keeper.callout.ClientCache;
import cloud.angryninja.keeper.callout.Reply;
import cloud.angryninja.keeper.callout.RestClients;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.github.GitHubApiConfig;
import cloud.angryninja.keeper.github.GitHubRestClient;
import cloud.angryninja.keeper.quota.QuotaAnswer.Result;

/**
 * Reads a credential's Copilot quota as Copilot clients do: {@code GET {api}/copilot_internal/user} with
 * {@code Authorization: token <refresh token>}, where {@code api} is {@code keeper.github.api-url}, or
 * {@code https://<enterpriseUrl>/api/v3} for a GitHub Enterprise credential. One deadline per call
 * ({@code keeper.github.timeout}, also the connect timeout); any failure is an answer without quota, never an exception.
 * One {@link GitHubRestClient} per API base, built at its first call.
 */
@ApplicationScoped
public class QuotaClient {

    static final String PATH = "/copilot_internal/user";

    private final URI defaultApi;
    private final Duration timeout;
    private final String userAgent;
    private final Clock clock;
    private final ClientCache<URI, GitHubRestClient> clients = new ClientCache<>(16);

    @Inject
    public QuotaClient(GitHubApiConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(config.apiUrl(), config.timeout(), "opencode-keeper/" + version, Clock.systemUTC());
    }

    public QuotaClient(URI defaultApi, Duration timeout, String userAgent, Clock clock) {
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
        URI base = RestClients.withoutTrailingSlash(apiBase(credential));
        String host = base.getHost();
        String where = host + PATH;
        Reply reply = Reply.await(() -> clients.get(base, base, () -> RestClients.builder(base, timeout, timeout, userAgent)
                .build(GitHubRestClient.class)).copilotUser(credential.refresh()), timeout);
        if (reply.failure().isPresent()) {
            return switch (reply.failure().get().kind()) {
                case TIMEOUT -> failed(Result.TIMEOUT, "no answer from " + where + " within " + timeout.toMillis() + " ms (keeper.github.timeout)");
                case CONNECT -> failed(Result.CONNECTION, "cannot connect to " + host);
                case INTERRUPTED -> failed(Result.CONNECTION, "interrupted");
                case OTHER -> failed(Result.CONNECTION, reply.failure().get().name() + " talking to " + host);
            };
        }
        int status = reply.status();
        return switch (status) {
            case 200 -> QuotaAnswerParser.parse(reply.body()).map(q -> QuotaAnswer.answered(q, clock.instant()))
                    .orElseGet(() -> failed(Result.UNKNOWN_SHAPE, "HTTP 200 from " + where + " without a quota field the keeper reads"));
            case 404 -> failed(Result.NOT_FOUND, "HTTP 404 from " + where + ": no quota endpoint for this token");
            case 401, 403 -> failed(Result.REFUSED, "HTTP " + status + " from " + where
                    + ": this token may not read its quota (the Copilot verdict is the probe's)");
            case 429 -> failed(Result.RATE_LIMITED, "HTTP 429 from " + where + ": GitHub's rate limit");
            default -> status >= 500 ? failed(Result.SERVER_ERROR, "HTTP " + status + " from " + where)
                    : failed(Result.UNEXPECTED_STATUS, "HTTP " + status + " from " + where);
        };
    }

    private QuotaAnswer failed(Result result, String reason) {
        return QuotaAnswer.failed(result, reason, clock.instant());
    }
}
