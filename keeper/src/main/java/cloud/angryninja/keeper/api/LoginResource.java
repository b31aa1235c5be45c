package cloud.angryninja.keeper.api;

import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import cloud.angryninja.keeper.api.BearerTokenRequired;
import cloud.angryninja.keeper.api.LeaderAnswersTheRest;
import cloud.angryninja.keeper.api.LeaderRequired;
import cloud.angryninja.keeper.login.LoginReply;
import cloud.angryninja.keeper.login.LoginService;

/**
 * {@code POST /login}: starts GitHub's device flow ({@code ?workspace=NAME} repeatable as for the reseed,
 * {@code ?enterprise=DOMAIN} for GitHub Enterprise, {@code ?force=}, {@code ?mode=} passed on to the reseed) and
 * answers at once (202) with the user code and where to enter it; the keeper then polls GitHub and runs the reseed
 * with the new credential. {@code GET /login/{id}} shows where that login is. JSON, or text lines with
 * {@code Accept: text/plain}.
 */
@Path("/login")
@BearerTokenRequired
public class LoginResource {

    @Inject
    LoginService logins;

    @POST
    @LeaderRequired // only the leader reseeds, so only the leader logs in
    @Consumes(MediaType.WILDCARD)
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Response start(@QueryParam("workspace") List<String> workspaces, @QueryParam("enterprise") String enterprise,
            @QueryParam("force") String force, @QueryParam("mode") String mode, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return answer(logins.start(new LoginService.LoginRequest(workspaces, enterprise, force, mode)), accept);
    }

    @GET
    @Path("{id}")
    @LeaderAnswersTheRest // a login this replica does not know, the leader ran
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Response get(@PathParam("id") String id, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        Optional<LoginReply> login = logins.get(id);
        if (login.isPresent()) {
            return answer(login.get(), accept);
        }
        String named = id.matches("[a-z0-9]{1,16}") ? "login " + id : "that login";
        return answer(LoginReply.rejected(404, "no " + named + " here (the keeper keeps the last " + LoginService.HISTORY
                + " logins, in memory)").withState("unknown"), accept);
    }

    private static Response answer(LoginReply reply, String accept) {
        return Accept.wantsText(accept)
                ? Response.status(reply.status()).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(reply.toText()).build()
                : Response.status(reply.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(reply).build();
    }

}
