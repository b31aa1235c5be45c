package cloud.angryninja.keeper.k8s;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import cloud.angryninja.keeper.opencode.OpenCodeClient;

/**
 * A git server on loopback speaking git's "dumb" HTTP protocol over a bare repository, behind HTTP
 * basic auth with one accepted password (the PAT), the way GitHub accepts a PAT. Every request
 * that arrives with the right credentials runs an observer while git is still running, so a test
 * can look at the process table and the credential file at that moment.
 */
final class GitHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final Path repository;
    private final String expectedAuthorization;
    private final Supplier<List<String>> observer;
    final List<String> observations = new CopyOnWriteArrayList<>();
    final List<String> rejectedRequests = new CopyOnWriteArrayList<>();
    volatile int authorizedRequests;

    GitHttpServer(Path repository, String username, String pat, Supplier<List<String>> observer) throws IOException {
        this.repository = repository;
        this.expectedAuthorization = OpenCodeClient.basicAuth(username, pat);
        this.observer = observer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The clone URL: no credentials in it. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository.getFileName();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                rejectedRequests.add(exchange.getRequestURI().getPath());
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            authorizedRequests++;
            observations.addAll(observer.get());
            String path = exchange.getRequestURI().getPath();
            String prefix = "/" + repository.getFileName() + "/";
            Path file = path.startsWith(prefix) ? repository.resolve(path.substring(prefix.length())).normalize() : null;
            if (file == null || !file.startsWith(repository) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
