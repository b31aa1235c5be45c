package cloud.angryninja.keeper.reseed;

import java.util.Optional;

/** A dry run ends here, every check passed and nothing changed. */
final class DryRunEnd implements ReseedStep {

    @Override
    public Optional<Exit> run(Reseed r) {
        return r.dryRun ? Exit.with(200, "dry run: the credential is valid and every target workspace can take it; nothing changed")
                : Optional.empty();
    }
}
