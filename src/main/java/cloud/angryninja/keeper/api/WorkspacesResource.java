package cloud.angryninja.keeper.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.WorkspaceState;

/** {@code GET /workspaces}: the last probe state of every workspace. Never holds a secret. */
@Path("/workspaces")
@BearerTokenRequired
public class WorkspacesResource {

    @Inject
    Prober prober;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<WorkspaceState> list() {
        return prober.states();
    }
}
