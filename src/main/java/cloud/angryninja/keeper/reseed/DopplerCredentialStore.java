package cloud.angryninja.keeper.reseed;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;

import cloud.angryninja.keeper.doppler.Doppler;

/** The reseed's {@link CredentialStore}: the Doppler config of {@code keeper.doppler.*}. */
@DefaultBean
@ApplicationScoped
public class DopplerCredentialStore implements CredentialStore {

    private final Doppler doppler;

    public DopplerCredentialStore(Doppler doppler) {
        this.doppler = doppler;
    }

    @Override
    public Map<String, Optional<String>> read(Collection<String> names) {
        return doppler.read(names);
    }

    @Override
    public void write(Map<String, String> secrets) {
        doppler.write(secrets);
    }
}
