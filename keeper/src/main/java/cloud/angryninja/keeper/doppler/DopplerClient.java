package cloud.angryninja.keeper.doppler;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Doppler API v3, the two calls a reseed needs. Answers come back as raw {@link Response}s (the default
 * exception mapper is off) so {@link Doppler} decides what each status means. The token is sent by the client
 * {@link Doppler} builds ({@code Authorization: Bearer}), not by each call.
 */
@Path("/v3/configs/config")
@Produces(MediaType.APPLICATION_JSON)
public interface DopplerClient {

    /** One secret: {@code {"name":..., "value":{"raw":..., "computed":...}}}; 404 when it does not exist. */
    @GET
    @Path("/secret")
    Response readSecret(@QueryParam("project") String project,
            @QueryParam("config") String config,
            @QueryParam("name") String name);

    /** Sets every named secret of the body at once. */
    @POST
    @Path("/secrets")
    @Consumes(MediaType.APPLICATION_JSON)
    Response writeSecrets(DopplerModels.WriteRequest body);
}
