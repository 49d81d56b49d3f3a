package dev.patient360.hub.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.FhirTerser;

import dev.patient360.hub.security.HubPrincipal;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Gathers the {@link AuditFacts} of a request from what HAPI and the servlet know about it: the
 * interaction, the caller, the patients concerned (from the URL, the search parameters and the
 * resources answered or written) and, for searches, the query.
 */
final class RequestFacts {

	/** A search answering many patients names at most this many in its record; the query names the rest. */
	static final int MAX_PATIENTS = 100;
	/** Servlet request attribute with the id of the request as the client and the log know it. */
	static final String REQUEST_ID_ATTRIBUTE = RequestFacts.class.getName() + ".requestId";
	/** Servlet request attribute with the operation of the request as the client sent it. */
	static final String OPERATION_ATTRIBUTE = RequestFacts.class.getName() + ".operation";
	private static final Set<String> PATIENT_PARAMETERS = Set.of("patient", "patient:Patient", "subject:Patient",
			"subject", "beneficiary", "_id");
	private static final Pattern ERROR_CODE = Pattern.compile("^((?:HUB|HAPI)-\\d{4}):?");
	private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final FhirContext fhirContext;
	private final Clock clock;

	RequestFacts(FhirContext fhirContext, Clock clock) {
		this.fhirContext = fhirContext;
		this.clock = clock;
	}

	/** A request HAPI answered: with its response resource on success, with its status on failure. */
	AuditFacts ofResponse(RequestDetails request, int status, IBaseResource response, String errorMessage) {
		String interaction = interaction(request);
		Set<String> patients = new LinkedHashSet<>(patientsOfRequest(request));
		List<String> resources = new ArrayList<>();
		if (response != null && !(response instanceof IBaseOperationOutcome)) {
			if (response instanceof IBaseBundle) {
				if (!interaction.equals("transaction") && !interaction.equals("batch")) {
					bundleResources(response).forEach(r -> addPatients(patients, r));
				}
			}
			else {
				addPatients(patients, response);
				resources.add(reference(response.getIdElement(), response));
			}
		}
		else if (request.getId() != null && request.getId().hasIdPart()) {
			resources.add(request.getId().toUnqualified().getValue());
		}
		return new AuditFacts(clock.instant(), interaction, operationName(request), status, errorCode(errorMessage),
				caller(request), sourceAddress(request), requestId(request), capped(patients), resources,
				isSearch(interaction) ? query(request) : null, status >= 400);
	}

	/**
	 * The resources one database transaction of a request writes: one record for them all, inserted
	 * just before the transaction commits. A FHIR transaction is one database transaction; each
	 * entry of a batch is its own.
	 */
	final class Writes {
		private final RequestDetails request;
		private String interaction;
		private boolean deletes;
		private final Set<String> patients = new LinkedHashSet<>();
		private final List<String> resources = new ArrayList<>();

		Writes(RequestDetails request) {
			this.request = request;
		}

		void add(String change, IBaseResource before, IBaseResource written) {
			if (interaction == null) {
				interaction = change;
			}
			deletes |= "delete".equals(change);
			addPatients(patients, written);
			if (before != null) {
				addPatients(patients, before);
			}
			resources.add(reference(written.getIdElement(), written));
		}

		AuditFacts facts() {
			RestOperationTypeEnum requestOperation = requestOperation(request);
			String recorded = requestOperation == RestOperationTypeEnum.TRANSACTION ? "transaction"
					: "update".equals(interaction) && requestOperation == RestOperationTypeEnum.PATCH ? "patch"
					: interaction;
			return new AuditFacts(clock.instant(), recorded, null, 0, null, caller(request), sourceAddress(request),
					requestId(request), capped(patients), resources, null, deletes);
		}
	}

	/** The operation of the request as the client sent it (a transaction entry runs as a sub-request). */
	static RestOperationTypeEnum requestOperation(RequestDetails request) {
		if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
				&& servlet.getServletRequest().getAttribute(OPERATION_ATTRIBUTE) instanceof RestOperationTypeEnum op) {
			return op;
		}
		return request.getRestOperationType();
	}

	/** A request refused before HAPI saw it (401/403 from the security filters). */
	AuditFacts ofRefused(HttpServletRequest request, int status, String reasonCode) {
		String path = fhirPath(request);
		String[] parts = path.isEmpty() ? new String[0] : path.split("/");
		String interaction = interactionOfPath(request.getMethod(), parts, request.getQueryString());
		List<String> patients = parts.length >= 2 && parts[0].equals("Patient") && !parts[1].startsWith("$")
				&& !parts[1].startsWith("_") ? List.of(parts[1]) : List.of();
		List<String> resources = parts.length >= 2 && !parts[1].startsWith("$") && !parts[1].startsWith("_")
				? List.of(parts[0] + "/" + parts[1]) : List.of();
		String operation = parts.length > 0 && parts[parts.length - 1].startsWith("$") ? parts[parts.length - 1] : null;
		Object principal = request.getAttribute(HubPrincipal.REQUEST_ATTRIBUTE);
		// A 401 means no valid token, whatever placeholder principal a filter put on the request.
		AuditFacts.Caller caller = status != 401 && principal instanceof HubPrincipal p ? caller(p)
				: AuditFacts.Caller.unauthenticated();
		String query = isSearch(interaction) ? path + (request.getQueryString() == null ? "" : "?" + request.getQueryString()) : null;
		return new AuditFacts(clock.instant(), interaction, operation, status, reasonCode, caller,
				request.getRemoteAddr(), requestId(request.getHeader("X-Request-ID")), patients, resources, query, true);
	}

	static String interaction(RequestDetails request) {
		RestOperationTypeEnum op = request.getRestOperationType();
		if (op == null) {
			String path = request.getRequestPath() == null ? "" : request.getRequestPath();
			String method = request.getRequestType() == null ? "GET" : request.getRequestType().name();
			return interactionOfPath(method, path.isEmpty() ? new String[0] : path.split("/"), null);
		}
		return switch (op) {
			case READ -> "read";
			case VREAD -> "vread";
			case UPDATE -> "update";
			case PATCH -> "patch";
			case DELETE -> "delete";
			case CREATE -> "create";
			case HISTORY_INSTANCE -> "history-instance";
			case HISTORY_TYPE -> "history-type";
			case HISTORY_SYSTEM -> "history-system";
			case SEARCH_TYPE, GET_PAGE -> "search-type";
			case SEARCH_SYSTEM -> "search-system";
			case TRANSACTION -> "transaction";
			case BATCH -> "batch";
			case METADATA -> "capabilities";
			default -> "operation";
		};
	}

	/** The interaction of a request HAPI has not parsed, from its method and path below /fhir. */
	static String interactionOfPath(String method, String[] parts, String queryString) {
		boolean operation = parts.length > 0 && parts[parts.length - 1].startsWith("$");
		if (operation) {
			return "operation";
		}
		return switch (method) {
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			case "POST" -> switch (parts.length) {
				case 0 -> "transaction";
				case 1 -> "create";
				default -> parts.length == 2 && parts[1].equals("_search") ? "search-type" : "operation";
			};
			default -> switch (parts.length) {
				case 0 -> "search-system";
				case 1 -> parts[0].equals("_history") ? "history-system"
						: parts[0].equals("metadata") ? "capabilities" : "search-type";
				case 2 -> parts[1].equals("_history") ? "history-type" : "read";
				case 3 -> parts[2].equals("_history") ? "history-instance" : "search-type";
				default -> "vread";
			};
		};
	}

	private static boolean isSearch(String interaction) {
		return interaction.startsWith("search");
	}

	private static String operationName(RequestDetails request) {
		String operation = request.getOperation();
		return operation != null && operation.startsWith("$") ? operation : null;
	}

	static AuditFacts.Caller caller(RequestDetails request) {
		if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
				&& servlet.getServletRequest().getAttribute(HubPrincipal.REQUEST_ATTRIBUTE) instanceof HubPrincipal p) {
			return caller(p);
		}
		// Until the security filter puts a principal on every request, a request without one is
		// recorded as unauthenticated rather than not at all.
		return AuditFacts.Caller.unauthenticated();
	}

	static AuditFacts.Caller caller(HubPrincipal principal) {
		return new AuditFacts.Caller(principal.clientId(), principal.subject(), principal.kind().name());
	}

	private static String requestId(RequestDetails request) {
		if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
				&& servlet.getServletRequest().getAttribute(REQUEST_ID_ATTRIBUTE) instanceof String id) {
			return id;
		}
		return request.getRequestId();
	}

	private static String sourceAddress(RequestDetails request) {
		return request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
				? servlet.getServletRequest().getRemoteAddr() : null;
	}

	/** Only ids that are safe to echo; anything else a client sends is replaced by HAPI's own id. */
	static String requestId(String header) {
		return header != null && REQUEST_ID.matcher(header).matches() ? header : null;
	}

	static String errorCode(String message) {
		if (message == null) {
			return null;
		}
		Matcher m = ERROR_CODE.matcher(message);
		return m.find() ? m.group(1) : null;
	}

	private static Set<String> patientsOfRequest(RequestDetails request) {
		Set<String> patients = new LinkedHashSet<>();
		IIdType id = request.getId();
		if ("Patient".equals(request.getResourceName()) && id != null && id.hasIdPart()) {
			patients.add(id.getIdPart());
		}
		Map<String, String[]> parameters = request.getParameters();
		if (parameters == null) {
			return patients;
		}
		for (var parameter : parameters.entrySet()) {
			if (!PATIENT_PARAMETERS.contains(parameter.getKey())) {
				continue;
			}
			boolean bareIds = parameter.getKey().startsWith("patient")
					|| (parameter.getKey().equals("_id") && "Patient".equals(request.getResourceName()));
			for (String value : parameter.getValue()) {
				for (String one : value.split(",")) {
					if (one.startsWith("Patient/")) {
						patients.add(one.substring("Patient/".length()));
					}
					else if (bareIds && !one.isBlank() && !one.contains("/")) {
						patients.add(one);
					}
				}
			}
		}
		return patients;
	}

	private void addPatients(Set<String> patients, IBaseResource resource) {
		if (resource == null || patients.size() >= MAX_PATIENTS) {
			return;
		}
		if ("Patient".equals(fhirContext.getResourceType(resource))) {
			if (resource.getIdElement().hasIdPart()) {
				patients.add(resource.getIdElement().getIdPart());
			}
			return;
		}
		try {
			FhirTerser terser = fhirContext.newTerser();
			for (IIdType owner : terser.getCompartmentOwnersForResource("Patient", resource, Set.of())) {
				if ("Patient".equals(owner.getResourceType()) && owner.hasIdPart()) {
					patients.add(owner.getIdPart());
				}
			}
		}
		catch (RuntimeException e) {
			// A resource type outside the Patient compartment, or a reference HAPI cannot parse: it
			// names no patient, and the record still names the resource itself.
		}
	}

	private static List<IBaseResource> bundleResources(IBaseResource bundle) {
		if (!(bundle instanceof Bundle r4)) {
			return List.of();
		}
		List<IBaseResource> resources = new ArrayList<>();
		for (Bundle.BundleEntryComponent entry : r4.getEntry()) {
			if (entry.getResource() != null) {
				resources.add(entry.getResource());
			}
		}
		return resources;
	}

	private String reference(IIdType id, IBaseResource resource) {
		String type = id.hasResourceType() ? id.getResourceType() : fhirContext.getResourceType(resource);
		if (!id.hasIdPart()) {
			return type;
		}
		return id.hasVersionIdPart() ? type + "/" + id.getIdPart() + "/_history/" + id.getVersionIdPart()
				: type + "/" + id.getIdPart();
	}

	private static List<String> capped(Set<String> patients) {
		return patients.stream().limit(MAX_PATIENTS).toList();
	}

	/** The search as the client asked it: path and parameters (from the URL or a POSTed _search form). */
	private static String query(RequestDetails request) {
		StringBuilder query = new StringBuilder(request.getRequestPath() == null ? "" : request.getRequestPath());
		Map<String, String[]> parameters = request.getParameters();
		if (parameters != null && !parameters.isEmpty()) {
			char separator = '?';
			for (var parameter : parameters.entrySet()) {
				for (String value : parameter.getValue()) {
					query.append(separator).append(parameter.getKey()).append('=').append(value);
					separator = '&';
				}
			}
		}
		return query.toString();
	}

	private static String fhirPath(HttpServletRequest request) {
		String uri = request.getRequestURI() == null ? "" : request.getRequestURI();
		int fhir = uri.indexOf("/fhir");
		String path = fhir < 0 ? uri : uri.substring(fhir + "/fhir".length());
		while (path.startsWith("/")) {
			path = path.substring(1);
		}
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return path;
	}
}
