package dev.patient360.hub.profiles;

import java.util.List;

import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.jpa.searchparam.registry.ISearchParamRegistryController;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.profiles.Canonicals;
import dev.patient360.profiles.EngagementPackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Installs the engagement package from the classpath with HAPI's package installer when the hub
 * starts: the package is stored (NPM_PACKAGE tables) and its conformance resources are created or,
 * on a later start, updated in place by canonical URL (an unchanged resource makes no new version),
 * so installing on every start is idempotent. The SearchParameter registry is refreshed right after,
 * so the custom search parameters work for the first request; data written before a parameter
 * existed would need a $reindex, data written after it is indexed as it is written.
 *
 * <p>Runs on ApplicationStartedEvent: after HAPI is fully wired, before readiness reports UP. The
 * validator is then warmed on a background thread (loading R4 core takes seconds), so the boot does
 * not wait for it and the first write of an engagement resource rarely does.
 */
@Component
class EngagementPackageInstaller {

	private static final Logger log = LoggerFactory.getLogger(EngagementPackageInstaller.class);

	/** Conformance resource types installed; the examples (package/example) are never installed. */
	static final List<String> INSTALL_TYPES = List.of(
			"CodeSystem", "ValueSet", "StructureDefinition", "SearchParameter", "OperationDefinition");

	private final IPackageInstallerSvc installer;
	private final ISearchParamRegistryController searchParams;
	private final EngagementProfileValidator validator;
	private final ProfilesProperties props;
	private volatile long installMillis = -1;
	private volatile long warmUpMillis = -1;

	EngagementPackageInstaller(IPackageInstallerSvc installer, ISearchParamRegistryController searchParams,
			EngagementProfileValidator validator, ProfilesProperties props) {
		this.installer = installer;
		this.searchParams = searchParams;
		this.validator = validator;
		this.props = props;
	}

	@EventListener(ApplicationStartedEvent.class)
	void onStart() {
		if (props.install()) {
			install();
		}
		if (props.enforce()) {
			Thread warmUp = new Thread(this::warmUp, "engagement-validator-warm-up");
			warmUp.setDaemon(true);
			warmUp.start();
		}
	}

	private void warmUp() {
		long start = System.nanoTime();
		try {
			int examples = validator.warmUp();
			warmUpMillis = (System.nanoTime() - start) / 1_000_000;
			log.info("engagement validator ready ({} examples validated in {} ms)", examples, warmUpMillis);
		}
		catch (RuntimeException e) {
			// Writes still validate (each loads what it needs); a failing example means a broken build.
			log.error("{} engagement validator warm-up failed: {}", HubErrorCode.PROFILE_VALIDATION_FAILED.code(),
					e.getClass().getSimpleName());
			log.debug("warm-up failure", e);
		}
	}

	/** Installs (or re-installs) the package; returns HAPI's outcome. */
	PackageInstallOutcomeJson install() {
		long start = System.nanoTime();
		PackageInstallationSpec spec = new PackageInstallationSpec()
				.setName(Canonicals.PACKAGE_NAME)
				.setVersion(EngagementPackage.version())
				.setPackageContents(EngagementPackage.tgz())
				.setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
				.setFetchDependencies(false);
		spec.setInstallResourceTypes(INSTALL_TYPES);
		// The same version may carry changed definitions during development; reloading keeps the
		// stored package in step with the jar.
		spec.setReloadExisting(true);
		PackageInstallOutcomeJson outcome;
		try {
			outcome = installer.install(spec);
		}
		catch (RuntimeException e) {
			throw new IllegalStateException(HubErrorCode.PACKAGE_INSTALL_FAILED.message(
					"cannot install " + Canonicals.PACKAGE_NAME + "#" + spec.getVersion()), e);
		}
		searchParams.refreshCacheIfNecessary();
		installMillis = (System.nanoTime() - start) / 1_000_000;
		log.info("installed {}#{} in {} ms: {}", Canonicals.PACKAGE_NAME, spec.getVersion(), installMillis,
				outcome.getResourcesInstalled());
		return outcome;
	}

	long installMillis() {
		return installMillis;
	}

	long warmUpMillis() {
		return warmUpMillis;
	}
}
