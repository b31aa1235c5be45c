package cloud.angryninja.keeper.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import jakarta.annotation.Priority;

/** Rejects requests to {@link BearerTokenRequired} resources that lack the right bearer token. */
@Provider
@BearerTokenRequired
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    private static final String PREFIX = "Bearer ";

    /** Looked up on first use: filters are built at static init, before run-time config is there. */
    @Inject
    jakarta.inject.Provider<ApiConfig> config;

    private volatile byte[] expectedDigest;

    @Override
    public void filter(ContainerRequestContext request) {
        byte[] expected = expectedDigest;
        if (expected == null) {
            expected = sha256(config.get().token());
            expectedDigest = expected;
        }
        if (!accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION), expected)) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "missing or wrong bearer token"))
                    .build());
        }
    }

    /**
     * Pure: the header carries the token. Compares SHA-256 digests with {@link MessageDigest#isEqual},
     * so the time taken tells nothing about the token, not even its length.
     */
    static boolean accepts(String authorization, byte[] expectedDigest) {
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        return MessageDigest.isEqual(sha256(authorization.substring(PREFIX.length()).trim()), expectedDigest);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
