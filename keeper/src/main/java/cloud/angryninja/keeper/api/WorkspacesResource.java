package cloud.angryninja.keeper.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import cloud.angryninja.keeper.credential.CredentialHomes;
import cloud.angryninja.keeper.leader.FollowerReply;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.quota.QuotaWatch;

/**
 * {@code GET /workspaces}: the last probe state of every workspace, with its Copilot quota ({@code quota}) and the
 * credential it holds against Doppler's ({@code heldCredential}). Never holds a secret. A follower (leader election on)
 * probes nothing, so it answers 503 naming the leader instead of old states.
 */
@Path("/workspaces")
@BearerTokenRequired
public class WorkspacesResource {

    @Inject
    Prober prober;

    @Inject
    CredentialHomes homes;

    @Inject
    Leadership leadership;

    @Inject
    QuotaWatch quota;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return FollowerReply.unlessLeading(leadership, false).orElseGet(() -> Response.ok(prober.states().stream()
                .map(s -> new WorkspaceReply(s, quota.view(s.workspace()), homes.of(s.workspace()))).toList()).build());
    }
}
