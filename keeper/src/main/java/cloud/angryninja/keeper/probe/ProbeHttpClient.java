package cloud.angryninja.keeper.probe;

import java.net.http.HttpClient;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one HTTP client of the probes (OpenCode and Copilot calls): HTTP/1.1, connection reuse,
 * connect deadline {@code keeper.probe.timeout}; each request carries its own deadline.
 */
public class ProbeHttpClient {

    @Produces
    @Singleton
    HttpClient httpClient(ProbeConfig config) {
        return create(config.timeout());
    }

    public static HttpClient create(java.time.Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
