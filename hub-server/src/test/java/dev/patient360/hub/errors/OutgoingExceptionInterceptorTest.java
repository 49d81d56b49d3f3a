package dev.patient360.hub.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;

class OutgoingExceptionInterceptorTest {

	@Test
	void lostDatabaseConnectionsAreRecognisedThroughTheCauseChain() {
		assertThat(OutgoingExceptionInterceptor.isDatabaseUnavailable(
				new CannotCreateTransactionException("tx", new SQLTransientConnectionException("timeout")))).isTrue();
		assertThat(OutgoingExceptionInterceptor.isDatabaseUnavailable(
				new RuntimeException(new SQLException("terminating connection", "57P01")))).isTrue();
		assertThat(OutgoingExceptionInterceptor.isDatabaseUnavailable(
				new IllegalStateException(new ConnectException("refused")))).isTrue();
		assertThat(OutgoingExceptionInterceptor.isDatabaseUnavailable(
				new RuntimeException(new SQLException("duplicate key", "23505")))).isFalse();
	}

	@Test
	void theLoggedFormOfAnUnexpectedErrorCarriesTypesAndFramesButNoMessage() {
		String patientName = "Erika Mustermann";
		Exception thrown = new IllegalStateException("could not store " + patientName,
				new NullPointerException("name " + patientName));
		String logged = OutgoingExceptionInterceptor.withoutMessages(thrown);
		assertThat(logged).contains("java.lang.IllegalStateException at ")
				.contains(" <- java.lang.NullPointerException")
				.contains("OutgoingExceptionInterceptorTest")
				.doesNotContain(patientName);
	}
}
