package cloud.angryninja.keeper.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;

import cloud.angryninja.keeper.adoption.Adoption;
import cloud.angryninja.keeper.adoption.CredentialMetrics;
import cloud.angryninja.keeper.api.BearerTokenRequired;
import cloud.angryninja.keeper.api.LeaderRequired;
import cloud.angryninja.keeper.api.ReportTokenRequired;
import cloud.angryninja.keeper.credential.DopplerFingerprints;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.reseed.ReseedInput;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * {@code POST /workspaces/{workspace}/credential}: the workspace reports the credential its auth.json holds, the body
 * as {@code POST /reseed} takes it ({@code {"github-copilot":{...}}}, the same rules and limits; other providers are
 * dropped, never stored). Authorised by that workspace's report token only ({@link ReportTokens}, checked by
 * {@code ReportTokenFilter}): none or wrong 401, another workspace's 403; checked before leadership, so a follower still
 * refuses a wrong token, then answers 503 naming the leader ({@code LeaderFilter}).
 * {@code POST /workspaces/{workspace}/credential/confirm?credential=<fingerprint>}, with the keeper's API token, confirms
 * the adoption of a credential of another account than the one on record.
 */
@Path("/workspaces/{workspace}/credential")
@LeaderRequired
public class CredentialResource {

    private static final Logger LOG = Logger.getLogger(CredentialResource.class);

    /** The answer to a report: what the keeper now takes the workspace to hold. Fingerprint only. */
    @RegisterForReflection
    public record ReportReply(String workspace, String credential, String source, boolean changed, String message) {
    }

    @Inject
    ReportedCredentials reported;

    @Inject
    DopplerFingerprints doppler;

    @Inject
    Adoption adoption;

    @Inject
    CredentialMetrics metrics;

    @Inject
    Workspaces workspaces;

    @POST
    @ReportTokenRequired
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(@PathParam("workspace") String workspace, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
            @Context UriInfo uriInfo, InputStream body) throws IOException {
        if (uriInfo != null && !uriInfo.getQueryParameters().isEmpty()) {
            return error(400, "POST /workspaces/{workspace}/credential takes no query parameter; nothing changed").build();
        }
        Workspace w = workspaces.byName(workspace).orElseThrow(); // its token was found, so it exists
        byte[] bytes = contentLength != null && contentLength > ReseedInput.MAX_BYTES ? new byte[0]
                : body == null ? new byte[0] : body.readNBytes(ReseedInput.MAX_BYTES + 1);
        boolean tooLarge = contentLength != null && contentLength > ReseedInput.MAX_BYTES || bytes.length > ReseedInput.MAX_BYTES;
        ReseedInput.Parsed parsed;
        try {
            if (tooLarge) {
                throw ReseedInput.tooLarge();
            }
            parsed = ReseedInput.parse(bytes);
        } catch (ReseedInput.Rejected e) {
            LOG.warnf("%s: a report of its credential was refused (HTTP %d): %s", workspace, e.status(), e.getMessage());
            return error(e.status(), e.getMessage() + "; nothing changed").build();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        String fp = parsed.credential().fingerprint();
        boolean dopplerHolds = doppler.seen(w.dopplerSecret()).flatMap(DopplerFingerprints.Seen::fingerprint).filter(fp::equals)
                .isPresent();
        ReportedCredentials.Report report = reported.report(workspace, parsed.credential(), parsed.authJson(), dopplerHolds);
        metrics.reported(workspace, reported.lastReport(workspace).orElseThrow());
        if (report.changed()) {
            LOG.infof("%s: reports credential %s (%s)%s", workspace, fp, report.held().source().label(),
                    parsed.ignoredProviders().isEmpty() ? "" : "; ignored, not stored: " + String.join(", ", parsed.ignoredProviders()));
        }
        adoption.reported(w, report.changed());
        return Response.ok(new ReportReply(workspace, fp, report.held().source().label(), report.changed(), report.changed()
                ? "the keeper now probes credential " + fp + " for this workspace" : "unchanged")).type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @POST
    @Path("/confirm")
    @BearerTokenRequired
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirm(@PathParam("workspace") String workspace, @QueryParam("credential") String credential) {
        if (workspaces.byName(workspace).isEmpty()) {
            return error(404, "no workspace of that name").build();
        }
        if (credential == null || !credential.matches("[0-9a-f]{12}")) {
            return error(400, "?credential names the fingerprint of the credential to adopt (12 hex characters, as GET /workspaces"
                    + " shows it)").build();
        }
        Adoption.Confirmation c = adoption.confirm(workspace, credential);
        return Response.status(c.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("status", c.status(), "workspace", workspace, "message", c.message())).build();
    }

    private static Response.ResponseBuilder error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("status", status, "error", message));
    }
}
