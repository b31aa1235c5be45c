package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for tests: never fixed ones. */
public final class Loopback {

    private Loopback() {
    }

    /**
     * A loopback port nothing listens on now: for a server the test starts there, or as a closed port
     * (a workspace, keeper or API that does not answer).
     */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
