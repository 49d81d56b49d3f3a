package dev.patient360.hub.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.dao.CacheTagDefinitionDao;
import ca.uhn.fhir.jpa.dao.tx.HapiTransactionService;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.util.SleepUtil;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs HAPI's own retry loop ({@link HapiTransactionService} with the hub's
 * {@link VersionConflictRetryInterceptor}): a first attempt resolves a tag definition the way
 * {@link CacheTagDefinitionDao} does and then loses a race; the retry must not see what the rolled
 * back attempt resolved.
 */
class TagDefinitionRetryInterceptorTest {

	private static final String RESOLVED = CacheTagDefinitionDao.RESOLVED_TAG_DEFINITIONS;

	@Test
	void aRetriedWriteResolvesItsTagsAgainInsteadOfReusingDefinitionsTheRollbackRemoved() {
		List<Object> seenByAttempt = writeThatLosesTheFirstRace(true);

		assertThat(seenByAttempt).containsExactly(null, null);
	}

	/** The HAPI behaviour the interceptor works around; when this fails, HAPI fixed it and the interceptor can go. */
	@Test
	void withoutItHapiHandsTheRetryWhatTheFailedAttemptResolved() {
		List<Object> seenByAttempt = writeThatLosesTheFirstRace(false);

		assertThat(seenByAttempt).hasSize(2);
		assertThat(seenByAttempt.get(0)).isNull();
		assertThat(seenByAttempt.get(1)).isEqualTo(Map.of("source-system|demo-ehr", "HFJ_TAG_DEF#9"));
	}

	@Test
	void theUndoActionIsRegisteredOncePerWriteHoweverManyResourcesItStores() {
		TransactionDetails details = new TransactionDetails();
		TagDefinitionRetryInterceptor interceptor = new TagDefinitionRetryInterceptor();

		interceptor.created(details);
		interceptor.updated(details);
		interceptor.created(details);

		assertThat(details.getRollbackUndoActions()).hasSize(1);
	}

	/** What each attempt found in the write's resolved tag definitions before resolving its own. */
	private static List<Object> writeThatLosesTheFirstRace(boolean withInterceptor) {
		InterceptorService interceptors = new InterceptorService();
		interceptors.registerInterceptor(new VersionConflictRetryInterceptor());
		HapiTransactionService transactions = new HapiTransactionService();
		transactions.setTransactionManager(new NoResourceTransactionManager());
		transactions.setInterceptorBroadcaster(interceptors);
		transactions.setPartitionSettingsForUnitTest(new PartitionSettings());
		// The pause between attempts only spreads out real contention; there is none here.
		transactions.setSleepUtil(new SleepUtil() {
			@Override
			public void sleepAtLeast(long millis) {
			}

			@Override
			public void sleepAtLeast(long millis, boolean logProgress) {
			}
		});
		TransactionDetails details = new TransactionDetails();
		List<Object> seen = new ArrayList<>();
		String result = transactions.withRequest(new SystemRequestDetails())
				.withRequestPartitionId(RequestPartitionId.defaultPartition())
				.withTransactionDetails(details)
				.execute(status -> {
					seen.add(details.getUserData(RESOLVED) == null ? null : Map.copyOf(details.<Map<String, String>>getUserData(RESOLVED)));
					if (withInterceptor) {
						new TagDefinitionRetryInterceptor().created(details);
					}
					details.<Map<String, String>>getOrCreateUserData(RESOLVED, HashMap::new)
							.put("source-system|demo-ehr", "HFJ_TAG_DEF#9");
					if (seen.size() == 1) {
						throw new ResourceVersionConflictException("lost a race with a concurrent write");
					}
					return "stored";
				});
		assertThat(result).isEqualTo("stored");
		return seen;
	}

	/** Transactions without a resource: the test is about HAPI's retry loop, not about storage. */
	private static final class NoResourceTransactionManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}
	}
}
