package dev.patient360.routes.fhirr4;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dev.patient360.profiles.SourceRecord;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One searchset page of a FHIR R4 source → one hub transaction (pure, no I/O). Each resource is
 * upserted by its source id, kept as an identifier {@code <identifier-system-prefix><Type>|<id>}
 * ({@code PUT Type?identifier=...}); references to synced types become conditional references by the
 * same identifier, which HAPI resolves inside the transaction; references the caller already knows
 * the hub target of ({@link Context#knownReferences}) become that target; other references keep
 * only their display (the hub has no such resource). The page gets one Provenance whose id and content derive
 * from the page, so re-reading an unchanged page writes nothing new.
 */
public final class FhirR4PageMapper {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/**
	 * @param connector instance id
	 * @param sourceSystem source-system code
	 * @param identifierSystemPrefix prefix of the identifier system that holds source ids
	 * @param syncedTypes resource types this instance pulls (reference targets that can be resolved)
	 * @param knownReferences source references ({@code Patient/123}) whose hub target is already known
	 *     ({@code Patient/9}), e.g. the patient a patient-scoped search is about; they win over
	 *     {@code syncedTypes}
	 */
	public record Context(String connector, String sourceSystem, String identifierSystemPrefix, Set<String> syncedTypes,
			Map<String, String> knownReferences) {

		public Context(String connector, String sourceSystem, String identifierSystemPrefix, Set<String> syncedTypes) {
			this(connector, sourceSystem, identifierSystemPrefix, syncedTypes, Map.of());
		}

		public Context withKnownReferences(Map<String, String> references) {
			return new Context(connector, sourceSystem, identifierSystemPrefix, syncedTypes, references);
		}
	}

	/** The transaction and the newest source {@code meta.lastUpdated} on the page (null when none). */
	public record Result(Bundle transaction, int resources, Date newest) {
	}

	private FhirR4PageMapper() {
	}

	public static Result map(Bundle page, String resourceType, Context ctx) {
		return map(matches(page, resourceType), resourceType, ctx, pageOrigin(ctx));
	}

	/** The page's matches of the type (not {@code _include}d resources). */
	public static List<Resource> matches(Bundle page, String resourceType) {
		List<Resource> resources = new ArrayList<>();
		for (Bundle.BundleEntryComponent e : page.getEntry()) {
			Resource source = e.getResource();
			if (source == null || !resourceType.equals(source.fhirType())
					|| (e.hasSearch() && e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)) {
				continue;
			}
			resources.add(source);
		}
		return resources;
	}

	static Origin pageOrigin(Context ctx) {
		return new Origin("fhirr4-", "FHIR R4 search page of " + ctx.sourceSystem());
	}

	/**
	 * What a batch of source resources came from, for its Provenance.
	 *
	 * @param idPrefix prefix of the Provenance id (the rest derives from the batch)
	 * @param display {@code Provenance.entity.what.display}
	 */
	public record Origin(String idPrefix, String display) {
	}

	/**
	 * Source resources of one type (as the source has them: ids, {@code meta.lastUpdated}, source
	 * references) → one hub transaction of conditional upserts by source identifier plus one
	 * Provenance for the batch. Other connector types that receive FHIR resources reuse this.
	 */
	public static Result map(List<? extends Resource> resources, String resourceType, Context ctx, Origin origin) {
		Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		List<String> targets = new ArrayList<>();
		StringBuilder fingerprint = new StringBuilder(ctx.connector()).append('|').append(resourceType);
		Date newest = null;
		for (Resource source : resources) {
			String sourceId = source.getIdElement().getIdPart();
			if (sourceId == null || sourceId.isBlank()) {
				throw new FhirR4MappingException("HUB-5010 a " + resourceType + " on the page has no id");
			}
			Date updated = source.getMeta().getLastUpdated();
			if (updated != null && (newest == null || updated.after(newest))) {
				newest = updated;
			}
			fingerprint.append('|').append(sourceId).append('@').append(updated == null ? "" : updated.getTime());
			Resource r = source.copy();
			r.setId((String) null);
			// The hub keeps its own versions and validates only profiles it knows: source meta stays out.
			r.setMeta(new Meta());
			String system = ctx.identifierSystemPrefix() + resourceType;
			addSourceIdentifier(r, system, sourceId);
			rewriteReferences(r, ctx);
			new SourceRecord(ctx.sourceSystem(), sourceId, ctx.connector(), null).set(r);
			String fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes((system + "|" + sourceId).getBytes(StandardCharsets.UTF_8));
			tx.addEntry().setFullUrl(fullUrl).setResource(r).getRequest()
					.setMethod(Bundle.HTTPVerb.PUT).setUrl(resourceType + "?identifier=" + conditional(system, sourceId));
			targets.add(fullUrl);
		}
		if (!targets.isEmpty()) {
			tx.addEntry(provenance(targets, fingerprint.toString(), newest, ctx, origin));
		}
		return new Result(tx, targets.size(), newest);
	}

	/**
	 * A conditional delete of the hub's copy of a source record ({@code DELETE Type?identifier=...}),
	 * for sources that report deletions (Bulk Data {@code deleted} files).
	 */
	public static Bundle.BundleEntryComponent deletion(String resourceType, String sourceId, Context ctx) {
		Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent();
		e.getRequest().setMethod(Bundle.HTTPVerb.DELETE)
				.setUrl(resourceType + "?identifier=" + conditional(ctx.identifierSystemPrefix() + resourceType, sourceId));
		return e;
	}

	/** {@code system|value} URL-encoded for a conditional URL or reference. */
	static String conditional(String system, String value) {
		return URLEncoder.encode(system, StandardCharsets.UTF_8) + "%7C" + URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static void addSourceIdentifier(Resource r, String system, String sourceId) {
		try {
			r.setProperty("identifier", new Identifier().setSystem(system).setValue(sourceId));
		}
		catch (FHIRException e) {
			throw new FhirR4MappingException("HUB-5011 " + r.fhirType() + " has no identifier element to upsert by");
		}
	}

	private static void rewriteReferences(Resource r, Context ctx) {
		for (Reference ref : FHIR.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
			if (!ref.hasReference()) {
				continue;
			}
			IdType id = new IdType(ref.getReference());
			String known = id.hasResourceType() && id.hasIdPart() && !id.isAbsolute()
					? ctx.knownReferences().get(id.getResourceType() + "/" + id.getIdPart()) : null;
			if (known != null) {
				ref.setReference(known);
				continue;
			}
			boolean resolvable = !ref.getReference().contains("?") && !ref.getReference().startsWith("urn:")
					&& !id.isAbsolute() && id.hasResourceType() && id.hasIdPart()
					&& ctx.syncedTypes().contains(id.getResourceType());
			if (resolvable) {
				ref.setReference(id.getResourceType() + "?identifier="
						+ conditional(ctx.identifierSystemPrefix() + id.getResourceType(), id.getIdPart()));
			}
			else {
				ref.setReference(null);
				ref.setType(null);
			}
		}
	}

	private static Bundle.BundleEntryComponent provenance(List<String> targets, String fingerprint, Date newest, Context ctx,
			Origin origin) {
		String id = origin.idPrefix() + sha(fingerprint);
		Provenance p = new Provenance();
		p.setId(id);
		targets.forEach(t -> p.addTarget(new Reference(t)));
		// In UTC whatever the JVM's zone, so the same batch always encodes the same.
		p.setRecordedElement(new InstantType(newest != null ? newest : new Date(0), TemporalPrecisionEnum.MILLI,
				TimeZone.getTimeZone("UTC")));
		p.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation").setCode("UPDATE");
		p.addAgent().setWho(new Reference().setDisplay("connector " + ctx.connector()))
				.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
				.setCode("author");
		p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
				.setWhat(new Reference().setDisplay(origin.display()));
		p.getMeta().addTag(SourceRecord.tag(ctx.sourceSystem()));
		Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setResource(p);
		e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + id);
		return e;
	}

	private static String sha(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 20);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
