package cloud.angryninja.keeper.credential;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import cloud.angryninja.keeper.doppler.DopplerException;

/**
 * Where the workspaces' auth.json lives before ESO copies it into the cluster: Doppler in production
 * ({@link DopplerCredentialStore}). Failures are {@link DopplerException}s whose messages hold no secret.
 */
public interface CredentialStore {

    /** Current value of each named secret; empty when it does not exist. */
    Map<String, Optional<String>> read(Collection<String> names);

    /** Sets every given secret in one request. */
    void write(Map<String, String> secrets);
}
