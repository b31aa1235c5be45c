package cloud.angryninja.keeper.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import cloud.angryninja.keeper.adoption.CredentialHomes;
import cloud.angryninja.keeper.probe.WorkspaceStates;
import cloud.angryninja.keeper.quota.QuotaWatch;

/**
 * {@code GET /workspaces}: the last probe state of every workspace, with its Copilot quota ({@code quota}) and the
 * credential it holds against Doppler's ({@code heldCredential}). Never holds a secret. A follower (leader election on)
 * probes nothing, so it answers 503 naming the leader instead of old states.
 */
@Path("/workspaces")
@BearerTokenRequired
@LeaderRequired
public class WorkspacesResource {

    @Inject
    WorkspaceStates states;

    @Inject
    CredentialHomes homes;

    @Inject
    QuotaWatch quota;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return Response.ok(states.all().stream().map(s -> new WorkspaceReply(s, quota.view(s.workspace()), homes.of(s.workspace())))
                .toList()).build();
    }
}
