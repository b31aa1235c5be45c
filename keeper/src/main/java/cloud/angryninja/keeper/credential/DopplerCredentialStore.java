package cloud.angryninja.keeper.credential;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;

import cloud.angryninja.keeper.credential.DopplerFingerprints;
import cloud.angryninja.keeper.doppler.Doppler;

/**
 * The reseed's {@link CredentialStore}: the Doppler config of {@code keeper.doppler.*}. Every value read or written is
 * also told to {@link DopplerFingerprints} (which keeps only fingerprints), so the credential drift follows each reseed.
 */
@DefaultBean
@ApplicationScoped
public class DopplerCredentialStore implements CredentialStore {

    private final Doppler doppler;
    private final DopplerFingerprints fingerprints;

    public DopplerCredentialStore(Doppler doppler, DopplerFingerprints fingerprints) {
        this.doppler = doppler;
        this.fingerprints = fingerprints;
    }

    @Override
    public Map<String, Optional<String>> read(Collection<String> names) {
        Map<String, Optional<String>> values = doppler.read(names);
        fingerprints.observed(values);
        return values;
    }

    @Override
    public void write(Map<String, String> secrets) {
        doppler.write(secrets);
        Map<String, Optional<String>> written = new java.util.LinkedHashMap<>();
        secrets.forEach((name, value) -> written.put(name, Optional.of(value)));
        fingerprints.observed(written);
    }
}
