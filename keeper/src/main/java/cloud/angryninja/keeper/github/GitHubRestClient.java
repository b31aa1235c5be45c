package cloud.angryninja.keeper.github;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

import io.quarkus.rest.client.reactive.NotBody;
import io.smallrye.mutiny.Uni;

/**
 * GitHub's REST API as the keeper asks it, with a workspace's own token in GitHub's {@code token} scheme. One client
 * per API base ({@code keeper.github.api-url}, or {@code https://<enterpriseUrl>/api/v3}), built by
 * {@link GitHubAccounts} and {@code QuotaClient} with their deadline and User-Agent.
 */
public interface GitHubRestClient {

    /** The account the token belongs to (OpenCode's token has the {@code read:user} scope). */
    @GET
    @Path("/user")
    @Produces("application/vnd.github+json")
    @ClientHeaderParam(name = "Authorization", value = "token {token}")
    Uni<Response> user(@NotBody String token);

    /** The account's Copilot plan and quota, as Copilot clients read it. */
    @GET
    @Path("/copilot_internal/user")
    @Produces(MediaType.APPLICATION_JSON)
    @ClientHeaderParam(name = "Authorization", value = "token {token}")
    Uni<Response> copilotUser(@NotBody String token);
}
