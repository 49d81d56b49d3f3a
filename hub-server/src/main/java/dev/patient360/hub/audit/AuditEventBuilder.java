package dev.patient360.hub.audit;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.function.Predicate;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the AuditEvent of one request in the shapes of IHE Basic Audit Log Patterns (BALP) for
 * RESTful activity: type {@code rest}, the FHIR interaction as subtype, client and user agents, the
 * hub as observer, the patient, the resources and, for searches, the query. Pure: same facts, same
 * resource.
 */
final class AuditEventBuilder {

	static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
	static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
	static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
	static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
	static final String SECURITY_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
	static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
	static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
	static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
	/** Identifier system of OAuth client ids ({@code azp}) in agents. */
	static final String CLIENT_ID_SYSTEM = "https://fhir.patient360.dev/sid/oauth-client";
	/** Identifier system of token subjects ({@code sub}) in agents. */
	static final String SUBJECT_SYSTEM = "https://fhir.patient360.dev/sid/oauth-subject";
	/** Identifier system of references that name a hub resource logically ({@code Patient/123}). */
	static final String REFERENCE_SYSTEM = "https://fhir.patient360.dev/sid/hub-reference";
	/** Identifier system of the hub as observer. */
	static final String OBSERVER_SYSTEM = "https://fhir.patient360.dev/sid/audit-observer";

	private final String observer;

	AuditEventBuilder(String observer) {
		this.observer = observer;
	}

	AuditEvent build(AuditFacts facts) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
		event.addSubtype(new Coding(RESTFUL_INTERACTION, facts.interaction(), null));
		event.setAction(action(facts.interaction()));
		event.setRecorded(Date.from(facts.recorded()));
		event.setOutcome(AuditEventOutcome.fromCode(Integer.toString(facts.outcome())));
		event.setOutcomeDesc(outcomeDescription(facts));

		addCaller(event, facts);
		AuditEventAgentComponent server = event.addAgent();
		server.getType().addCoding(new Coding(DICOM, "110152", "Destination Role ID"));
		server.setWho(new Reference().setIdentifier(new Identifier().setSystem(OBSERVER_SYSTEM).setValue(observer)));
		server.setRequestor(false);

		event.getSource().setSite("Patient 360 Hub");
		event.getSource().setObserver(new Reference().setDisplay("Patient 360 Hub")
				.setIdentifier(new Identifier().setSystem(OBSERVER_SYSTEM).setValue(observer)));
		event.getSource().addType(new Coding(SECURITY_SOURCE_TYPE, "4", "Application Server"));

		for (String patient : facts.patients()) {
			var entity = event.addEntity();
			entity.setWhat(reference("Patient/" + patient, facts.logicalReferences()));
			entity.setType(new Coding(ENTITY_TYPE, "1", "Person"));
			entity.setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
		}
		for (String resource : facts.resources()) {
			var entity = event.addEntity();
			entity.setWhat(reference(resource, facts.logicalReferences()));
			entity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
			entity.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
		}
		if (facts.query() != null) {
			var entity = event.addEntity();
			entity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
			entity.setRole(new Coding(OBJECT_ROLE, "24", "Query"));
			entity.setQuery(facts.query().getBytes(StandardCharsets.UTF_8));
		}
		if (facts.operationName() != null) {
			var entity = event.addEntity();
			entity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
			entity.setRole(new Coding(OBJECT_ROLE, "3", "Report"));
			entity.setName(facts.operationName());
		}
		if (facts.requestId() != null) {
			// BALP's correlation entity: the same id the server log and the X-Request-ID header carry.
			var entity = event.addEntity();
			entity.setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id"));
			entity.setWhat(new Reference().setIdentifier(new Identifier().setValue(facts.requestId())));
		}
		return event;
	}

	private static Reference reference(String relative, boolean logical) {
		if (!logical) {
			return new Reference(relative);
		}
		return new Reference().setType(relative.substring(0, relative.indexOf('/') < 0 ? relative.length() : relative.indexOf('/')))
				.setIdentifier(new Identifier().setSystem(REFERENCE_SYSTEM).setValue(relative));
	}

	/**
	 * The same event with the literal references of its entities whose targets have gone (deleted,
	 * never existed) turned into logical ones: the form in which such a record can still be stored.
	 * References to targets that still exist stay literal, so {@code AuditEvent?patient=} keeps
	 * finding the record.
	 */
	static AuditEvent withLogicalReferences(AuditEvent event, Predicate<String> gone) {
		for (var entity : event.getEntity()) {
			Reference what = entity.getWhat();
			if (what.hasReference() && gone.test(what.getReference())) {
				entity.setWhat(reference(what.getReference(), true));
			}
		}
		return event;
	}

	private static void addCaller(AuditEvent event, AuditFacts facts) {
		AuditFacts.Caller caller = facts.caller();
		AuditEventAgentComponent client = event.addAgent();
		client.getType().addCoding(new Coding(DICOM, "110153", "Source Role ID"));
		Reference who = new Reference();
		if (caller.clientId() != null) {
			who.setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(caller.clientId()));
		}
		switch (caller.kind()) {
			case "SECURITY_DISABLED" -> who.setDisplay("any caller (security disabled)");
			case AuditFacts.Caller.UNAUTHENTICATED -> who.setDisplay("unauthenticated caller");
			default -> {
				// a token's client is named by its identifier alone
			}
		}
		client.setWho(who);
		client.setRequestor(true);
		if (facts.sourceAddress() != null) {
			client.getNetwork().setAddress(facts.sourceAddress()).setType(AuditEventAgentNetworkType._2);
		}
		if (caller.subject() != null && "TOKEN".equals(caller.kind())) {
			AuditEventAgentComponent user = event.addAgent();
			user.getType().addCoding(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient"));
			user.setWho(new Reference().setIdentifier(new Identifier().setSystem(SUBJECT_SYSTEM).setValue(caller.subject())));
			user.setRequestor(true);
		}
	}

	static AuditEventAction action(String interaction) {
		return switch (interaction) {
			case "create" -> AuditEventAction.C;
			case "read", "vread", "history-instance", "history-type", "history-system" -> AuditEventAction.R;
			case "update", "patch" -> AuditEventAction.U;
			case "delete" -> AuditEventAction.D;
			// searches are BALP queries (E), like operations, transactions and batches
			default -> AuditEventAction.E;
		};
	}

	private static String outcomeDescription(AuditFacts facts) {
		String status = facts.status() > 0 ? "HTTP " + facts.status() : "committed";
		return facts.errorCode() == null ? status : status + " " + facts.errorCode();
	}
}
