package cloud.angryninja.keeper.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import cloud.angryninja.keeper.api.BearerTokenRequired;
import cloud.angryninja.keeper.api.LeaderRequired;
import cloud.angryninja.keeper.reseed.ReseedDecisions;
import cloud.angryninja.keeper.reseed.ReseedInput;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedRequest;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;

/**
 * {@code POST /reseed}: the body is the laptop's auth.json (or its github-copilot entry); {@code ?workspace=NAME}
 * (repeatable, default every workspace), {@code ?dryRun=true}, {@code ?force=true}, {@code ?mode=live} (no restart).
 * Each flag is exactly true or false and given at most once, {@code mode} exactly rollout or live; any other
 * parameter, an empty or bare one is refused (400) before the body is read. Answers when the reseed is done:
 * JSON, or text lines with {@code Accept: text/plain}; 200 only when every target workspace is verified.
 */
@Path("/reseed")
@BearerTokenRequired
@LeaderRequired // only the leader reseeds; a follower reads no body
public class ReseedResource {

    @Inject
    ReseedWorkflow workflow;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Response reseed(InputStream body, @QueryParam("workspace") List<String> workspaces, @QueryParam("dryRun") String dryRun,
            @QueryParam("force") String force, @QueryParam("mode") String mode, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
            @HeaderParam(HttpHeaders.ACCEPT) String accept, @Context UriInfo uriInfo) throws IOException {
        Optional<String> badQuery = ReseedDecisions.queryProblem(uriInfo == null ? null : uriInfo.getQueryParameters());
        if (badQuery.isPresent()) {
            return reply(workflow.refuse(400, badQuery.get()), accept); // refused before the body is read
        }
        byte[] bytes;
        boolean tooLarge = contentLength != null && contentLength > ReseedInput.MAX_BYTES;
        if (tooLarge || body == null) {
            bytes = new byte[0];
        } else {
            bytes = body.readNBytes(ReseedInput.MAX_BYTES + 1);
            tooLarge = bytes.length > ReseedInput.MAX_BYTES;
        }
        ReseedReply reply = workflow.reseed(new ReseedRequest(tooLarge ? new byte[0] : bytes, tooLarge, workspaces,
                dryRun, force, mode));
        return reply(reply, accept);
    }

    private static Response reply(ReseedReply reply, String accept) {
        return Accept.wantsText(accept)
                ? Response.status(reply.status()).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(reply.toText()).build()
                : Response.status(reply.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(reply).build();
    }

}
