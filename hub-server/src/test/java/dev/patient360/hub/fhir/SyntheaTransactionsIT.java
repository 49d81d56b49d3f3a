package dev.patient360.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.patient360.hub.testsupport.HubIntegrationTest;
import dev.patient360.hub.testsupport.SharedData;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Whole Synthea patient histories pushed as transactions, as an EHR would. The same Organizations
 * and Practitioners occur in several bundles: with conditional creates they are stored once; with
 * plain POSTs (what Synthea sends) FHIR semantics create one per POST, and the hub does exactly that.
 */
class SyntheaTransactionsIT extends HubIntegrationTest {

	private static final int BUNDLES = 20;

	private List<Path> firstBundles(int n) {
		try (Stream<Path> files = Files.list(SharedData.path("synthea-r4/bundles"))) {
			return files.filter(f -> f.toString().endsWith(".json")).sorted().limit(n).toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private Bundle read(Path file) {
		try {
			return parse(Bundle.class, Files.readString(file));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Test
	void conditionalCreatesStoreSharedOrganizationsAndPractitionersOnceAndEverythingElseAsSent() {
		List<Path> files = firstBundles(BUNDLES);
		Map<String, Integer> expected = new TreeMap<>();
		Map<String, Identifier> distinctShared = new HashMap<>();
		Map<String, Integer> before = new TreeMap<>();

		List<Bundle> bundles = files.stream().map(this::read).toList();
		for (Bundle bundle : bundles) {
			for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
				Resource r = entry.getResource();
				Identifier id = sharedIdentifier(r);
				if (id != null) {
					// Conditional create on the business identifier: the way a source avoids duplicates.
					entry.getRequest().setIfNoneExist("identifier=" + id.getSystem() + "|" + id.getValue());
					distinctShared.put(r.fhirType() + "|" + id.getSystem() + "|" + id.getValue(), id);
				}
				else {
					expected.merge(r.fhirType(), 1, Integer::sum);
				}
			}
		}
		expected.keySet().forEach(type -> before.put(type, total(type)));

		for (Bundle bundle : bundles) {
			HttpResponse<String> response = http("POST", "", json(bundle));
			assertThat(response.statusCode()).as("transaction status").isEqualTo(200);
			Bundle answer = parse(Bundle.class, response.body());
			assertThat(answer.getEntry()).hasSameSizeAs(bundle.getEntry());
		}

		expected.forEach((type, count) -> assertThat(total(type) - before.get(type)).as(type).isEqualTo(count));
		distinctShared.forEach((key, id) -> {
			String type = key.substring(0, key.indexOf('|'));
			assertThat(count("/" + type + "?identifier=" + id.getSystem() + "|" + id.getValue()))
					.as("copies of " + type + " " + id.getValue()).isEqualTo(1);
		});
		assertThat(distinctShared).isNotEmpty();
	}

	@Test
	void plainPostsOfTheSameOrganizationCreateOneResourcePerPost() {
		Bundle bundle = read(firstBundles(1).get(0));
		Organization org = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(Organization.class::isInstance).map(Organization.class::cast).findFirst().orElseThrow();
		Identifier id = org.getIdentifierFirstRep();
		String search = "/Organization?identifier=" + id.getSystem() + "|" + id.getValue();
		int before = count(search);
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 2; i++) {
			tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(org.copy())
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Organization");
		}
		assertThat(http("POST", "", json(tx)).statusCode()).isEqualTo(200);
		assertThat(count(search) - before).isEqualTo(2);
	}

	private static Identifier sharedIdentifier(Resource r) {
		if (r instanceof Organization o && o.hasIdentifier()) {
			return o.getIdentifierFirstRep();
		}
		if (r instanceof Practitioner p && p.hasIdentifier()) {
			return p.getIdentifierFirstRep();
		}
		return null;
	}

	private int total(String type) {
		return count("/" + type);
	}

	private int count(String search) {
		String sep = search.contains("?") ? "&" : "?";
		return parse(Bundle.class, http("GET", search + sep + "_summary=count", null).body()).getTotal();
	}
}
