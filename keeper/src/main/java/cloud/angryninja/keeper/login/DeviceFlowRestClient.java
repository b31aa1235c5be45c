package cloud.angryninja.keeper.login;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * GitHub's device flow endpoints (RFC 8628) as OpenCode 1.18.33 calls them: JSON in, JSON out. One client per host
 * (github.com, or a GitHub Enterprise domain), built by {@link DeviceFlowClient} with its deadline and User-Agent.
 * The bodies are JSON text: the token poll's holds the device code, a secret.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface DeviceFlowRestClient {

    @POST
    @Path("/login/device/code")
    Uni<Response> deviceCode(String body);

    @POST
    @Path("/login/oauth/access_token")
    Uni<Response> accessToken(String body);
}
