package cloud.angryninja.keeper.copilot;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

import io.quarkus.rest.client.reactive.NotBody;
import io.smallrye.mutiny.Uni;

/**
 * The Copilot API call OpenCode 1.18 makes at instance start. One client per API base
 * ({@code https://api.githubcopilot.com}, or {@code https://copilot-api.<enterpriseUrl>}), built by
 * {@link CopilotChecker} with the {@code X-GitHub-Api-Version} and User-Agent headers.
 */
public interface CopilotRestClient {

    /** {@code GET {base}/models} with {@code Authorization: Bearer <refresh token>}, as OpenCode sends it. */
    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    @ClientHeaderParam(name = "Authorization", value = "Bearer {token}")
    Uni<Response> models(@NotBody String token);
}
