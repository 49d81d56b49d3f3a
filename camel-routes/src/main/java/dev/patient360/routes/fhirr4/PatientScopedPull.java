package dev.patient360.routes.fhirr4;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ca.uhn.fhir.context.FhirContext;
import dev.patient360.routes.common.HubClient;
import dev.patient360.routes.kit.ConnectorProgress;
import dev.patient360.routes.kit.ConnectorState;
import dev.patient360.routes.kit.ConnectorsProperties;
import dev.patient360.routes.kit.SourceHttp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The patient-scoped mode of {@code fhir-r4}, for sources that answer searches of patient data only
 * per patient (as Epic and Oracle Health do): the patients are those the hub already knows under an
 * identifier of this source ({@link ScopedPatients}), read from the hub with the instance's hub
 * client; for each of them and each configured type, {@code GET [base]/[Type]?patient=<source id>}
 * from that patient's own watermark, through the page loop the all-patients mode uses
 * ({@link SearchPages}). The watermark of a patient moves only after the hub committed the page.
 *
 * <p>A patient the source refuses for good (a 4xx other than 401/408/429, e.g. a restricted record)
 * or does not know, or whose identifier names several source Patients, is skipped for this run and
 * its error kept; the other patients go on. Everything else (source unavailable, hub unavailable,
 * mapping errors) stops the run like in the all-patients mode, and the next run resumes each
 * patient at its own watermark.
 */
@Component
class PatientScopedPull implements ConnectorProgress {

	private static final Logger log = LoggerFactory.getLogger(PatientScopedPull.class);
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final PatientScopeState patientState;
	private final ConnectorState state;
	private final SearchPages pages;
	private final Map<String, Map<String, Object>> running = new ConcurrentHashMap<>();

	PatientScopedPull(PatientScopeState patientState, ConnectorState state, SearchPages pages) {
		this.patientState = patientState;
		this.state = state;
		this.pages = pages;
	}

	/** A run of one instance: the patient list is read from the hub and resolved once, on first use. */
	FhirR4Puller.TypePull run(ConnectorsProperties.Instance instance, SourceHttp source, HubClient hub,
			FhirR4PageMapper.Context ctx) {
		return new FhirR4Puller.TypePull() {
			private List<Resolved> patients;

			@Override
			public void pull(String type) throws IOException, InterruptedException {
				if (patients == null) {
					patients = resolve(instance, source, patientList(instance, hub));
				}
				pullType(instance, type, source, hub, ctx, patients);
			}

			@Override
			public void close() {
				running.remove(instance.id());
			}
		};
	}

	private record Resolved(ScopedPatients.ScopedPatient patient, String sourceId) {
	}

	private ScopedPatients patientList(ConnectorsProperties.Instance instance, HubClient hub) throws InterruptedException {
		ScopedPatients list = new ScopedPatients(FhirR4Puller.identifierSystemPrefix(instance) + "Patient",
				instance.options().get(FhirR4Puller.PATIENT_IDENTIFIER_SYSTEM_OPTION));
		Bundle page = hub.get(list.firstSearch(Integer.parseInt(instance.options().getOrDefault("hub-page-size", "200"))),
				Bundle.class);
		while (true) {
			list.add(page);
			Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
			if (next == null || !next.hasUrl()) {
				return list;
			}
			page = hub.follow(next.getUrl(), Bundle.class);
		}
	}

	/** Source ids of the listed patients: their own when they carry it, else found once at the source and remembered. */
	private List<Resolved> resolve(ConnectorsProperties.Instance instance, SourceHttp source, ScopedPatients list)
			throws IOException, InterruptedException {
		List<Resolved> resolved = new ArrayList<>();
		int unknown = 0;
		int ambiguous = 0;
		int refused = 0;
		for (ScopedPatients.ScopedPatient p : list.patients()) {
			if (p.isSourceId()) {
				resolved.add(new Resolved(p, p.value()));
				continue;
			}
			Optional<String> linked = patientState.linkedSourceId(instance.id(), p.key());
			if (linked.isPresent()) {
				resolved.add(new Resolved(p, linked.get()));
				continue;
			}
			List<String> ids;
			try {
				ids = sourcePatientIds(FHIR.newJsonParser().parseResource(Bundle.class,
						source.get(identifierSearch(instance, p), "application/fhir+json")));
			}
			catch (SourceHttp.SourceException e) {
				if (!e.permanent()) {
					throw e;
				}
				refused++;
				log.debug("connector {}: identifier search for hub Patient/{} refused: {}", instance.id(), p.hubId(), e.getMessage());
				continue;
			}
			if (ids.size() == 1) {
				patientState.link(instance.id(), p.key(), ids.get(0));
				resolved.add(new Resolved(p, ids.get(0)));
			}
			else if (ids.isEmpty()) {
				unknown++;
				log.debug("connector {}: HUB-5021 hub Patient/{} is not known at the source", instance.id(), p.hubId());
			}
			else {
				ambiguous++;
				log.debug("connector {}: HUB-5022 hub Patient/{} names {} source Patients", instance.id(), p.hubId(), ids.size());
			}
		}
		if (unknown + ambiguous + refused > 0) {
			// Counts only: which patients is PHI, at DEBUG above.
			log.warn("connector {}: of {} hub patients, {} not known at the source (HUB-5021), {} ambiguous (HUB-5022), "
					+ "{} refused by the source (HUB-5023); skipped this run", instance.id(), list.patients().size(), unknown,
					ambiguous, refused);
		}
		return resolved;
	}

	private void pullType(ConnectorsProperties.Instance instance, String type, SourceHttp source, HubClient hub,
			FhirR4PageMapper.Context ctx, List<Resolved> patients) throws IOException, InterruptedException {
		// Read by the status endpoint while this thread updates it.
		Map<String, Object> progress = new ConcurrentHashMap<>();
		progress.put("mode", FhirR4Puller.PATIENT_SCOPED);
		progress.put("resourceType", type);
		progress.put("patients", patients.size());
		progress.put("patientsDone", 0);
		progress.put("patientsSkipped", 0);
		running.put(instance.id(), progress);
		int done = 0;
		int skipped = 0;
		int pagesRead = 0;
		for (Resolved p : patients) {
			FhirR4PageMapper.Context patientCtx = ctx.withKnownReferences(
					Map.of("Patient/" + p.sourceId(), "Patient/" + p.patient().hubId()));
			URI first = FhirR4Puller.firstPage(instance, type, patientState.watermark(instance.id(), p.sourceId(), type),
					Map.of("patient", p.sourceId()));
			try {
				pagesRead += pages.follow(source, first, type, patientCtx, hub, w -> {
					Instant newest = w.newest() == null ? null : w.newest().toInstant();
					patientState.pageCommitted(instance.id(), p.sourceId(), type, newest, w.written());
					state.read(instance.id(), type, w.written() + w.deadLettered());
					state.pageCounted(instance.id(), type, w.written());
				});
				patientState.succeeded(instance.id(), p.sourceId(), type);
				done++;
			}
			catch (SourceHttp.SourceException e) {
				if (!e.permanent()) {
					throw e;
				}
				skipped++;
				patientState.failed(instance.id(), p.sourceId(), type, "HUB-5023 " + e.getMessage());
				log.debug("connector {} {}: source refused the search for source Patient/{}: {}", instance.id(), type,
						p.sourceId(), e.getMessage());
			}
			progress.put("patientsDone", done);
			progress.put("patientsSkipped", skipped);
		}
		if (skipped > 0) {
			log.warn("connector {} {}: the source refused the search for {} of {} patients (HUB-5023); skipped this run",
					instance.id(), type, skipped, patients.size());
		}
		log.info("connector {} {}: {} patient(s), {} page(s) pulled", instance.id(), type, done, pagesRead);
	}

	static URI identifierSearch(ConnectorsProperties.Instance instance, ScopedPatients.ScopedPatient p) {
		String base = instance.baseUrl().toString().replaceAll("/+$", "");
		return URI.create(base + "/Patient?identifier=" + URLEncoder.encode(p.system() + "|" + p.value(), StandardCharsets.UTF_8));
	}

	/** Ids of the Patients an identifier search at the source matched. */
	static List<String> sourcePatientIds(Bundle page) {
		return FhirR4PageMapper.matches(page, "Patient").stream().map(Resource::getIdElement).map(id -> id.getIdPart())
				.filter(id -> id != null && !id.isBlank()).distinct().toList();
	}

	@Override
	public String type() {
		return FhirR4Puller.TYPE;
	}

	@Override
	public Optional<Map<String, Object>> progress(String instance) {
		return Optional.ofNullable(running.get(instance)).map(Map::copyOf);
	}
}
