package cloud.angryninja.keeper.sandbox.dev;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The sandbox's switch on the keeper's own port (README quick start): {@code POST
 * /sandbox/credentials/<workspace>/revoke} makes GitHub (the Copilot and GitHub stand-ins) refuse the token the
 * workspace holds now, {@code …/restore} accepts it again. A REST resource in dev mode only, as {@link Sandbox}.
 */
@Path("/sandbox/credentials/{workspace}")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxResource {

    @Inject
    Sandbox sandbox;

    @POST
    @Path("/revoke")
    public Response revoke(@PathParam("workspace") String workspace) {
        SandboxCredentials credentials = sandbox.credentials();
        if (!credentials.knows(workspace)) {
            return unknownWorkspace(workspace);
        }
        credentials.revoke(workspace);
        return credentialState(credentials, workspace);
    }

    @POST
    @Path("/restore")
    public Response restore(@PathParam("workspace") String workspace) {
        SandboxCredentials credentials = sandbox.credentials();
        if (!credentials.knows(workspace)) {
            return unknownWorkspace(workspace);
        }
        credentials.restore(workspace);
        return credentialState(credentials, workspace);
    }

    private static Response credentialState(SandboxCredentials credentials, String workspace) {
        // A revoke acts on the token, as GitHub does: every workspace holding it (after one reseed of all) is revoked too.
        return Response.ok(Map.of("workspace", workspace, "fingerprint", credentials.fingerprint(workspace),
                "revoked", credentials.isRevoked(workspace), "sameToken", credentials.holdingSameToken(workspace))).build();
    }

    private static Response unknownWorkspace(String workspace) {
        return Response.status(404).entity(Map.of("error", "no sandbox workspace named " + workspace)).build();
    }
}
