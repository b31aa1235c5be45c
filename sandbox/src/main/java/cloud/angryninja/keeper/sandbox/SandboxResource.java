package cloud.angryninja.keeper.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.arc.profile.IfBuildProfile;

/**
 * Dev sandbox HTTP: the Copilot {@code /models} stand-in, GitHub's quota endpoint, the switch that revokes or restores a
 * workspace's sandbox credential, and a pass-through to each workspace's real OpenCode server
 * (whose port changes on every start; the workspace URL does not).
 */
@IfBuildProfile("dev")
@Path("/sandbox")
public class SandboxResource {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    SandboxCredentials credentials;

    @Inject
    SandboxOpenCode openCode;

    /** Copilot stand-in: 200 with a model list for a live sandbox token, 401 for a revoked or unknown one. */
    @GET
    @Path("/copilot/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Response models(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        if (!credentials.accepts(token)) {
            return Response.status(401).entity(Map.of("message", "Bad credentials")).build();
        }
        List<Map<String, Object>> models = List.of(
                model("gpt-5-mini", "GPT-5 mini", true),
                model("claude-sonnet-4.6", "Claude Sonnet 4.6", true),
                model("gpt-4o-mini", "GPT-4o mini", false));
        return Response.ok(Map.of("object", "list", "data", models)).build();
    }

    /**
     * Copilot stand-in for a user's prompt: 401 for a revoked or unknown token (OpenCode then reports
     * the refused request on its event stream), 501 otherwise (the sandbox runs no model).
     */
    @POST
    @Path("/copilot/{call: responses|chat/completions}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response prompt(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        if (!credentials.accepts(token)) {
            return Response.status(401).entity(Map.of("message", "Bad credentials")).build();
        }
        return Response.status(501).entity(Map.of("message", "the sandbox runs no model")).build();
    }

    /**
     * GitHub API stand-in for the quota read: a Copilot Business answer (shape as in
     * {@code src/test/resources/copilot-quota/}) for a live sandbox token, 401 for a revoked or unknown one.
     */
    @GET
    @Path("/github/copilot_internal/user")
    @Produces(MediaType.APPLICATION_JSON)
    public Response quota(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = authorization != null && authorization.startsWith("token ") ? authorization.substring(6) : "";
        if (!credentials.accepts(token)) {
            return Response.status(401).entity(Map.of("message", "Bad credentials")).build();
        }
        java.time.LocalDate reset = java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1);
        Map<String, Object> unlimited = Map.of("entitlement", 0, "remaining", 0, "percent_remaining", 100.0, "unlimited", true,
                "overage_permitted", false);
        return Response.ok(Map.of("login", "sandbox-user", "copilot_plan", "business", "access_type_sku", "copilot_for_business_seat",
                "quota_reset_date", reset.toString(), "quota_reset_date_utc", reset + "T00:00:00.000Z",
                "quota_snapshots", Map.of("chat", unlimited, "completions", unlimited,
                        "premium_interactions", Map.of("entitlement", 300, "remaining", 212, "percent_remaining", 70.7,
                                "unlimited", false, "overage_permitted", false)))).build();
    }

    private static Map<String, Object> model(String id, String name, boolean picker) {
        return Map.of("id", id, "name", name, "object", "model", "vendor", "sandbox", "version", id,
                "model_picker_enabled", picker, "preview", false,
                "capabilities", Map.of("family", id, "type", "chat", "object", "model_capabilities",
                        "limits", Map.of("max_context_window_tokens", 128000, "max_output_tokens", 16000, "max_prompt_tokens", 112000),
                        "supports", Map.of("streaming", true, "tool_calls", true)));
    }

    @POST
    @Path("/credentials/{workspace}/revoke")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@PathParam("workspace") String workspace) {
        if (!credentials.knows(workspace)) {
            return unknownWorkspace(workspace);
        }
        credentials.revoke(workspace);
        return credentialState(workspace);
    }

    @POST
    @Path("/credentials/{workspace}/restore")
    @Produces(MediaType.APPLICATION_JSON)
    public Response restore(@PathParam("workspace") String workspace) {
        if (!credentials.knows(workspace)) {
            return unknownWorkspace(workspace);
        }
        credentials.restore(workspace);
        return credentialState(workspace);
    }

    private Response credentialState(String workspace) {
        // A revoke acts on the token, as GitHub does: every workspace holding it (after one reseed of all) is revoked too.
        return Response.ok(Map.of("workspace", workspace, "fingerprint", credentials.fingerprint(workspace),
                "revoked", credentials.isRevoked(workspace), "sameToken", credentials.holdingSameToken(workspace))).build();
    }

    private static Response unknownWorkspace(String workspace) {
        return Response.status(404).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "no sandbox workspace named " + workspace)).build();
    }

    /**
     * Pass-through of the workspace's event stream ({@code GET /global/event}), copied as it comes so
     * the keeper's passive detection works in the sandbox too.
     */
    @GET
    @Path("/opencode/{workspace}/global/event")
    public Response openCodeEvents(@PathParam("workspace") String workspace,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        URI base = openCode.baseUri(workspace).orElse(null);
        if (base == null) {
            return Response.status(503).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "sandbox: OpenCode of " + workspace + " is not running (" + openCode.status(workspace) + ")"))
                    .build();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/global/event")).header("Accept", "text/event-stream").GET();
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            HttpResponse<java.io.InputStream> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                Response.ResponseBuilder out = Response.status(r.statusCode());
                r.headers().firstValue("www-authenticate").ifPresent(v -> out.header("WWW-Authenticate", v));
                return out.build();
            }
            jakarta.ws.rs.core.StreamingOutput copy = out -> {
                try (java.io.InputStream in = r.body()) {
                    byte[] buffer = new byte[8192];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            };
            return Response.ok(copy, "text/event-stream").build();
        } catch (java.io.IOException e) {
            return Response.status(502).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "sandbox: OpenCode of " + workspace + " did not answer")).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.status(503).build();
        }
    }

    /**
     * Pass-through to the workspace's real OpenCode server, for every method the keeper and a person use (a prompt is a
     * POST, live mode's credential write a PUT): method, query, body and content type forwarded; status, body and
     * content type answered unchanged.
     */
    @GET
    @Path("/opencode/{workspace}/{path: .+}")
    public Response openCodeGet(@PathParam("workspace") String workspace, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward("GET", workspace, path, uri, authorization, null, null);
    }

    @POST
    @Path("/opencode/{workspace}/{path: .+}")
    public Response openCodePost(@PathParam("workspace") String workspace, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
        return forward("POST", workspace, path, uri, authorization, type, body);
    }

    @PUT
    @Path("/opencode/{workspace}/{path: .+}")
    public Response openCodePut(@PathParam("workspace") String workspace, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
        return forward("PUT", workspace, path, uri, authorization, type, body);
    }

    @PATCH
    @Path("/opencode/{workspace}/{path: .+}")
    public Response openCodePatch(@PathParam("workspace") String workspace, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
        return forward("PATCH", workspace, path, uri, authorization, type, body);
    }

    @DELETE
    @Path("/opencode/{workspace}/{path: .+}")
    public Response openCodeDelete(@PathParam("workspace") String workspace, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward("DELETE", workspace, path, uri, authorization, null, null);
    }

    private Response forward(String method, String workspace, String path, UriInfo uri, String authorization, String type, byte[] body) {
        URI base = openCode.baseUri(workspace).orElse(null);
        if (base == null) {
            return Response.status(503).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "sandbox: OpenCode of " + workspace + " is not running (" + openCode.status(workspace) + ")"))
                    .build();
        }
        String query = uri.getRequestUri().getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/" + path + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null || body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (type != null) {
            request.header(HttpHeaders.CONTENT_TYPE, type);
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if ("PUT".equals(method) && "auth/github-copilot".equals(path) && r.statusCode() / 100 == 2 && body != null) {
                // live mode stored a new credential in the running OpenCode: revoke and restore act on it from now on
                credentials.use(workspace, "{\"github-copilot\":" + new String(body, java.nio.charset.StandardCharsets.UTF_8) + "}");
            }
            Response.ResponseBuilder out = Response.status(r.statusCode()).entity(r.body());
            r.headers().firstValue("content-type").ifPresent(out::type);
            r.headers().firstValue("www-authenticate").ifPresent(v -> out.header("WWW-Authenticate", v));
            return out.build();
        } catch (java.io.IOException e) {
            return Response.status(502).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "sandbox: OpenCode of " + workspace + " did not answer")).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.status(503).build();
        }
    }
}
