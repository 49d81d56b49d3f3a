package dev.patient360.profiles;

import java.util.List;

import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Type;

/** Small shared pieces for reading and writing complex extensions. */
final class Extensions {

	private Extensions() {
	}

	static Extension single(List<Extension> list, String url) {
		for (Extension e : list) {
			if (url.equals(e.getUrl())) {
				return e;
			}
		}
		return null;
	}

	static Type value(Extension complex, String part) {
		Extension e = complex == null ? null : single(complex.getExtension(), part);
		return e == null ? null : e.getValue();
	}

	static void part(Extension complex, String part, Type value) {
		if (value != null && !value.isEmpty()) {
			complex.addExtension(part, value);
		}
	}

	static void removeAll(DomainResource resource, String url) {
		resource.getExtension().removeIf(e -> url.equals(e.getUrl()));
	}

	static void removeAll(Element element, String url) {
		element.getExtension().removeIf(e -> url.equals(e.getUrl()));
	}
}
