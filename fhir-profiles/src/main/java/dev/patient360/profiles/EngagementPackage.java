package dev.patient360.profiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * The FHIR NPM package {@code patient360.engagement} as built into this jar (Maven builds it from
 * {@code src/main/fhir}, with snapshots): its bytes for HAPI's package installer, and its
 * definitions and examples as resources.
 */
public final class EngagementPackage {

	/** Classpath location of the package (.tgz). */
	public static final String CLASSPATH_LOCATION = "fhir-package/patient360.engagement.tgz";

	private static volatile byte[] tgz;

	private EngagementPackage() {
	}

	/** The package as the .tgz HAPI's installer takes ({@code PackageInstallationSpec.setPackageContents}). */
	public static byte[] tgz() {
		byte[] bytes = tgz;
		if (bytes == null) {
			try (InputStream in = EngagementPackage.class.getClassLoader().getResourceAsStream(CLASSPATH_LOCATION)) {
				if (in == null) {
					throw new IllegalStateException(CLASSPATH_LOCATION + " is not on the classpath; build fhir-profiles");
				}
				bytes = in.readAllBytes();
				tgz = bytes;
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return bytes.clone();
	}

	public static NpmPackage npm() {
		try {
			return NpmPackage.fromPackage(new ByteArrayInputStream(tgz()));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static String version() {
		return npm().version();
	}

	/** The conformance resources (StructureDefinitions with snapshots, CodeSystems, ValueSets, ...). */
	public static List<IBaseResource> definitions(FhirContext ctx) {
		return read(ctx, npm(), "package");
	}

	/** The examples, each valid against its profile; they double as test fixtures. */
	public static List<IBaseResource> examples(FhirContext ctx) {
		return read(ctx, npm(), "example");
	}

	/** Whether a resource claims one of the guide's profiles in meta.profile. */
	public static boolean claimsEngagementProfile(IBaseResource resource) {
		if (resource instanceof Resource r && r.hasMeta()) {
			for (CanonicalType c : r.getMeta().getProfile()) {
				String url = c.getValue();
				if (url != null && Canonicals.PROFILES.contains(url.split("\\|")[0])) {
					return true;
				}
			}
		}
		return false;
	}

	private static List<IBaseResource> read(FhirContext ctx, NpmPackage npm, String folder) {
		List<IBaseResource> out = new ArrayList<>();
		NpmPackage.NpmPackageFolder f = npm.getFolders().get(folder);
		if (f == null) {
			return out;
		}
		try {
			for (String name : f.listFiles()) {
				if (name.endsWith(".json") && !name.equals("package.json") && !name.startsWith(".")) {
					out.add(ctx.newJsonParser().parseResource(new String(f.fetchFile(name), StandardCharsets.UTF_8)));
				}
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return out;
	}
}
