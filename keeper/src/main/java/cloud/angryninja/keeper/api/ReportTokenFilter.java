package cloud.angryninja.keeper.api;

import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import cloud.angryninja.keeper.api.ReportTokens;

/**
 * Rejects a {@link ReportTokenRequired} call whose bearer is not the report token of the workspace in its path
 * ({@link ReportTokens}): none or wrong 401, another workspace's 403, unreadable now 503 with {@code Retry-After}. Checked
 * before leadership, so a follower still refuses a wrong token.
 */
@Provider
@ReportTokenRequired
@Priority(Priorities.AUTHENTICATION)
public class ReportTokenFilter implements ContainerRequestFilter {

    @Inject
    ReportTokens tokens;

    @Override
    public void filter(ContainerRequestContext request) {
        String workspace = request.getUriInfo().getPathParameters().getFirst("workspace");
        switch (tokens.authorise(workspace, request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            case UNAUTHORIZED -> request.abortWith(error(401, "missing or wrong report token").header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .build());
            case FORBIDDEN -> request.abortWith(error(403, "this report token reports for another workspace").build());
            case UNAVAILABLE -> request.abortWith(error(503, "the report token of this workspace cannot be read now; retry")
                    .header(HttpHeaders.RETRY_AFTER, 5).build());
            case ACCEPTED -> {
                // the resource runs
            }
        }
    }

    static Response.ResponseBuilder error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("status", status, "error", message));
    }
}
