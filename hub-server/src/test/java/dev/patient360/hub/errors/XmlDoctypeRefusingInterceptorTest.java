package dev.patient360.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class XmlDoctypeRefusingInterceptorTest {

	private static byte[] utf8(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void doctypesAndEntitiesAreFoundWhateverTheCaseBomOrLeadingWhitespace() {
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(utf8("<!doctype x><Patient/>"))).isTrue();
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(utf8("\uFEFF \n<?xml version=\"1.0\"?><!ENTITY a \"b\">"))).isTrue();
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(
				"<!DOCTYPE x><Patient/>".getBytes(StandardCharsets.UTF_16))).isTrue();
	}

	@Test
	void plainXmlAndJsonPass() {
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(utf8("<Patient xmlns=\"http://hl7.org/fhir\"/>"))).isFalse();
		// A JSON string may mention a DOCTYPE; JSON is not XML and carries no entities.
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(utf8("{\"text\":\"<!DOCTYPE html>\"}"))).isFalse();
		assertThat(XmlDoctypeRefusingInterceptor.declaresDoctype(new byte[0])).isFalse();
	}
}
