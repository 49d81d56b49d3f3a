package dev.patient360.profiles.build;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;

import dev.patient360.profiles.EngagementPackage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Renders the reference part of docs/profiles.md from the built package, so the page cannot drift
 * from the definitions: extensions, profiles, code systems, search parameters, the operation and
 * the examples. {@code ProfilesDocTest} fails when the page's generated block is stale.
 */
public final class ProfilesDoc {

	public static final String BEGIN = "<!-- BEGIN GENERATED from the package by ProfilesDoc; do not edit by hand -->";
	public static final String END = "<!-- END GENERATED -->";

	private ProfilesDoc() {
	}

	public static String render() {
		FhirContext ctx = FhirContext.forR4Cached();
		List<IBaseResource> defs = EngagementPackage.definitions(ctx);
		StringBuilder out = new StringBuilder();
		out.append(BEGIN).append("\n\n");
		out.append("Package `").append(EngagementPackage.npm().name()).append("#").append(EngagementPackage.version())
				.append("`, FHIR 4.0.1, canonical base `https://fhir.patient360.dev`.\n\n");

		out.append("### Extensions\n\n| extension | on | parts (name: type, cardinality, binding) | meaning |\n|---|---|---|---|\n");
		for (StructureDefinition sd : of(defs, StructureDefinition.class)) {
			if (!"Extension".equals(sd.getType())) {
				continue;
			}
			String context = sd.getContext().stream().map(c -> c.getExpression()).collect(Collectors.joining(", "));
			String rules = invariants(sd);
			out.append("| `").append(sd.getIdElement().getIdPart()).append("`<br>").append(sd.getUrl()).append(" | ")
					.append(context).append(" | ").append(parts(sd)).append(rules.isEmpty() ? "" : "<br>" + rules)
					.append(" | ").append(cell(sd.getDescription())).append(" |\n");
		}

		out.append("\n### Profiles\n\n| profile | of | constraints (from the differential) | rules |\n|---|---|---|---|\n");
		for (StructureDefinition sd : of(defs, StructureDefinition.class)) {
			if ("Extension".equals(sd.getType())) {
				continue;
			}
			out.append("| `").append(sd.getName()).append("`<br>").append(sd.getUrl()).append(" | ").append(sd.getType())
					.append(" | ").append(constraints(sd)).append(" | ").append(invariants(sd)).append(" |\n");
		}

		out.append("\n### Code systems (each with a ValueSet of the same id holding all its codes)\n\n| code system | codes | meaning |\n|---|---|---|\n");
		for (CodeSystem cs : of(defs, CodeSystem.class)) {
			String codes = cs.getConcept().stream().map(c -> "`" + c.getCode() + "`").collect(Collectors.joining(", "));
			out.append("| ").append(cs.getUrl()).append(cs.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE ? "" : " (" + cs.getContent().toCode() + ")")
					.append(" | ").append(codes).append(" | ").append(cell(cs.getDescription())).append(" |\n");
		}

		out.append("\n### Search parameters\n\n| query | type | expression | meaning |\n|---|---|---|---|\n");
		for (SearchParameter sp : of(defs, SearchParameter.class)) {
			out.append("| `").append(sp.getBase().get(0).getValue()).append("?").append(sp.getCode()).append("=` | ")
					.append(sp.getType().toCode()).append(" | `").append(sp.getExpression()).append("` | ")
					.append(cell(sp.getDescription())).append(" |\n");
		}

		for (OperationDefinition od : of(defs, OperationDefinition.class)) {
			out.append("\n### Operation `").append(od.getResource().get(0).getValue()).append("/{id}/$").append(od.getCode())
					.append("` (").append(od.getUrl()).append(")\n\n").append(od.getDescription()).append("\n\n")
					.append("| parameter | in/out | type | cardinality | meaning |\n|---|---|---|---|---|\n");
			for (OperationDefinition.OperationDefinitionParameterComponent p : od.getParameter()) {
				String type = p.hasType() ? p.getType() : p.getPart().stream()
						.map(x -> x.getName() + ": " + x.getType()).collect(Collectors.joining(", ", "(", ")"));
				out.append("| `").append(p.getName()).append("` | ").append(p.getUse().toCode()).append(" | ").append(type)
						.append(" | ").append(p.getMin()).append("..").append(p.getMax()).append(" | ")
						.append(cell(p.getDocumentation())).append(" |\n");
			}
		}

		out.append("\n### Examples\n\nEvery example validates against its profile (they are the test fixtures of `fhir-profiles` and of the hub's `EngagementProfilesIT`).\n");
		for (IBaseResource example : EngagementPackage.examples(ctx)) {
			out.append("\n<details><summary><code>").append(((Resource) example).fhirType()).append("/")
					.append(example.getIdElement().getIdPart()).append("</code></summary>\n\n```json\n")
					.append(ctx.newJsonParser().setPrettyPrint(true).encodeResourceToString(example))
					.append("\n```\n\n</details>\n");
		}
		out.append("\n").append(END).append("\n");
		return out.toString();
	}

	private static <T extends Resource> List<T> of(List<IBaseResource> defs, Class<T> type) {
		List<T> out = new ArrayList<>();
		defs.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
		out.sort(Comparator.comparing(r -> r.getIdElement().getIdPart()));
		return out;
	}

	private static String parts(StructureDefinition sd) {
		List<String> parts = new ArrayList<>();
		String current = null;
		String card = null;
		for (ElementDefinition e : sd.getDifferential().getElement()) {
			if (e.getPath().equals("Extension.extension") && e.hasSliceName()) {
				current = e.getSliceName();
				card = e.getMin() + ".." + e.getMax();
			}
			else if (e.getPath().equals("Extension.extension.value[x]") && current != null) {
				parts.add("`" + current + "`: " + e.getTypeFirstRep().getCode() + " " + card + binding(e));
			}
			else if (e.getPath().equals("Extension.value[x]") && !"0".equals(e.getMax())) {
				parts.add("value: " + e.getTypeFirstRep().getCode() + binding(e));
			}
		}
		return String.join("<br>", parts);
	}

	private static String binding(ElementDefinition e) {
		return e.hasBinding() ? " (" + e.getBinding().getStrength().toCode() + " " + e.getBinding().getValueSet() + ")" : "";
	}

	private static String constraints(StructureDefinition sd) {
		List<String> out = new ArrayList<>();
		for (ElementDefinition e : sd.getDifferential().getElement()) {
			if (!e.getId().contains(".") && !e.hasMin()) {
				continue;
			}
			StringBuilder s = new StringBuilder("`").append(e.getId()).append("`");
			if (e.hasMin() || e.hasMax()) {
				s.append(" ").append(e.hasMin() ? e.getMin() : "").append("..").append(e.hasMax() ? e.getMax() : "");
			}
			if (e.hasType() && e.getTypeFirstRep().hasProfile()) {
				s.append(" ").append(e.getTypeFirstRep().getProfile().get(0).getValue().replaceAll(".*/", ""));
			}
			if (e.hasPattern()) {
				s.append(" pattern ").append(FhirContext.forR4Cached().newJsonParser().encodeToString(e.getPattern())
						.replace("|", "\\|"));
			}
			if (e.hasSlicing()) {
				s.append(" sliced by ").append(e.getSlicing().getDiscriminator().stream()
						.map(d -> d.getType().toCode() + ":" + d.getPath()).collect(Collectors.joining(",")));
			}
			s.append(binding(e));
			if (s.length() > e.getId().length() + 2) {
				out.add(s.toString());
			}
		}
		return String.join("<br>", out);
	}

	private static String invariants(StructureDefinition sd) {
		return sd.getDifferential().getElement().stream().flatMap(e -> e.getConstraint().stream())
				.map(c -> "`" + c.getKey() + "`: " + cell(c.getHuman())).collect(Collectors.joining("<br>"));
	}

	private static String cell(String text) {
		return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
	}
}
