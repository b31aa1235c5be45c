package cloud.angryninja.keeper.opencode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * The OpenCode server routes the keeper calls (OpenCode 1.18; {@code GET /api/health} is 2.x's). One client per
 * workspace, built by {@link OpenCodeClient} with the workspace's base URL and basic auth; answers come back as raw
 * {@link Response}s, which {@link OpenCodeClient} reads.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface OpenCodeRestClient {

    @GET
    @Path("/global/health")
    Uni<Response> health();

    @GET
    @Path("/api/health")
    Uni<Response> apiHealth();

    @GET
    @Path("/config/providers")
    Uni<Response> providers();

    @GET
    @Path("/project/current")
    Uni<Response> project();

    /** {@code entry} is the provider's auth.json entry as JSON text: a secret. */
    @PUT
    @Path("/auth/{provider}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> setAuth(@PathParam("provider") String provider, String entry);

    @POST
    @Path("/instance/dispose")
    Uni<Response> disposeInstance();
}
