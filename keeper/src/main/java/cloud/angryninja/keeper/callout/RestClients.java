package cloud.angryninja.keeper.callout;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * How the keeper builds every REST client it calls out with (OpenCode, Copilot, GitHub, Doppler): the one place for
 * what they share. Each client is built at its first use, never at start-up, by the feature that owns it, with that
 * feature's deadlines and headers:
 * <ul>
 * <li>every status comes back as a {@link jakarta.ws.rs.core.Response} (the default exception mapper is off): the
 * feature maps it to its own reason, and no {@code WebApplicationException}, whose message can carry a URL or a body,
 * is ever made;</li>
 * <li>redirects are not followed (a token is never sent on to another host);</li>
 * <li>the connection pool is no limit of its own ({@value #CONNECTIONS} connections, opened on demand): the calls are
 * bounded by their callers ({@code keeper.probe.concurrency}), and one Copilot client serves every workspace whose
 * credential has that API, where the REST client's default of 50 connections made a cycle of 500 workspaces wait;</li>
 * <li>the base URL loses its trailing slashes, so {@code https://api.github.com/} and {@code https://api.github.com}
 * call the same paths.</li>
 * </ul>
 */
public final class RestClients {

    /** Most connections one client holds to one host. */
    static final int CONNECTIONS = 1024;

    private RestClients() {
    }

    /**
     * A builder for a client of {@code base} with the given connect and read timeouts and, when not null, the
     * {@code User-Agent}.
     */
    public static QuarkusRestClientBuilder builder(URI base, Duration connectTimeout, Duration readTimeout, String userAgent) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(withoutTrailingSlash(base))
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, CONNECTIONS)
                .disableDefaultMapper(true);
        return userAgent == null ? builder : builder.userAgent(userAgent);
    }

    /** {@code base} without trailing slashes. */
    public static URI withoutTrailingSlash(URI base) {
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b);
    }

    /** Closes a client built here (its connections); what the close throws is of no interest. */
    public static void close(Object client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // a client being dropped: nothing to do about it
            }
        }
    }
}
