package cloud.angryninja.keeper.callout;

import java.util.Map;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Headers one client sends on every call (an API version, a workspace's basic auth), registered once when the client
 * is built instead of repeated in each call. Its {@code toString} names the headers, never their values.
 */
public final class FixedHeaders implements ClientRequestFilter {

    private final Map<String, String> headers;

    public FixedHeaders(Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
    }

    @Override
    public void filter(ClientRequestContext request) {
        headers.forEach((name, value) -> request.getHeaders().putSingle(name, value));
    }

    @Override
    public String toString() {
        return "FixedHeaders" + headers.keySet();
    }
}
