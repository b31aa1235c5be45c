package cloud.angryninja.keeper.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.quota.CopilotQuota.Allowance;
import cloud.angryninja.keeper.testing.Tier;

/** The recorded answers of {@code src/test/resources/copilot-quota/} (sources in its README), read field by field. */
@Tier.Unit
class QuotaAnswerParserTest {

    private static CopilotQuota parsed(String file) {
        return QuotaAnswerParser.parse(QuotaStandIn.body(file)).orElseThrow(() -> new AssertionError(file + " not read"));
    }

    private static Allowance allowance(double entitlement, double remaining, boolean unlimited) {
        return new Allowance(OptionalDouble.of(entitlement), OptionalDouble.of(remaining), Optional.of(unlimited));
    }

    @Test
    void aPaidPlanWithPremiumRequestsLeft() {
        CopilotQuota q = parsed(QuotaStandIn.PAID);

        assertThat(q.login()).contains("octo-worker");
        assertThat(q.plan()).contains(Plan.BUSINESS);
        assertThat(q.resetsAt()).contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(q.premium()).contains(allowance(300, 213, false));
        assertThat(q.chat()).contains(allowance(0, 0, true));
        assertThat(q.completions()).contains(allowance(0, 0, true));
    }

    @Test
    void theFreePlansLegacyFields() {
        CopilotQuota q = parsed(QuotaStandIn.FREE);

        assertThat(q.login()).contains("octo-hobbyist");
        assertThat(q.plan()).as("copilot_plan says individual; the SKU says free").contains(Plan.FREE);
        assertThat(q.resetsAt()).contains(Instant.parse("2027-01-18T00:00:00Z"));
        assertThat(q.premium()).as("no premium quota in a free answer").isEmpty();
        assertThat(q.chat()).contains(new Allowance(OptionalDouble.of(50), OptionalDouble.of(41), Optional.empty()));
        assertThat(q.completions()).contains(new Allowance(OptionalDouble.of(2000), OptionalDouble.of(1873), Optional.empty()));
    }

    @Test
    void unlimitedQuotas() {
        CopilotQuota q = parsed(QuotaStandIn.UNLIMITED);

        assertThat(q.plan()).contains(Plan.ENTERPRISE);
        assertThat(q.premium()).contains(allowance(0, 0, true));
    }

    @Test
    void missingFieldsStayEmptyAndNewerTypesAreRead() {
        CopilotQuota q = parsed(QuotaStandIn.FIELDS_MISSING);

        assertThat(q.login()).isEmpty();
        assertThat(q.plan()).isEmpty();
        assertThat(q.resetsAt()).as("a bare date: midnight UTC").contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(q.premium()).as("entitlement as a string, remaining only as quota_remaining, unlimited missing")
                .contains(new Allowance(OptionalDouble.of(300), OptionalDouble.of(142.5), Optional.empty()));
        assertThat(q.chat()).as("a snapshot without a number").isEmpty();
        assertThat(q.completions()).isEmpty();
    }

    @Test
    void anAnswerWithoutAnyFieldTheKeeperReadsIsNoQuota() {
        assertThat(QuotaAnswerParser.parse(QuotaStandIn.body(QuotaStandIn.UNKNOWN_SHAPE))).isEmpty();
        assertThat(QuotaAnswerParser.parse("{\"login\":\"octo-worker\"}")).as("an account alone is no quota").isEmpty();
        assertThat(QuotaAnswerParser.parse("[1,2]")).isEmpty();
        assertThat(QuotaAnswerParser.parse("not json")).isEmpty();
        assertThat(QuotaAnswerParser.parse("")).isEmpty();
        assertThat(QuotaAnswerParser.parse("{\"quota_snapshots\":[]}")).isEmpty();
    }

    @Test
    void numbersThatAreNoNumbersAreUnknownNotZero() {
        CopilotQuota q = QuotaAnswerParser.parse("""
                {"copilot_plan":"individual","quota_snapshots":{"premium_interactions":
                 {"entitlement":"lots","remaining":null,"unlimited":"no"},
                 "chat":{"entitlement":1e999,"remaining":true}}}""").orElseThrow();

        assertThat(q.plan()).contains(Plan.INDIVIDUAL);
        assertThat(q.premium()).isEmpty();
        assertThat(q.chat()).isEmpty();
    }

    @Test
    void remainingFallsBackToQuotaRemainingThenToThePercentOfTheEntitlement() {
        CopilotQuota q = QuotaAnswerParser.parse("""
                {"quota_snapshots":{"premium_interactions":{"entitlement":300,"percent_remaining":10.0,"unlimited":false},
                 "chat":{"entitlement":200,"quota_remaining":12.5,"remaining":12}}}""").orElseThrow();

        assertThat(q.premium()).contains(allowance(300, 30, false));
        assertThat(q.chat().orElseThrow().remaining()).as("remaining wins").hasValue(12);
    }

    @Test
    void resetDatesInEveryFormSeen() {
        assertThat(reset("\"quota_reset_date_utc\":\"2026-08-01T00:00:00.000Z\",\"quota_reset_date\":\"2026-07-31\""))
                .as("the _utc field wins").contains(Instant.parse("2026-08-01T00:00:00Z"));
        assertThat(reset("\"quota_reset_date\":\"2025-02-15T00:00:00Z\"")).contains(Instant.parse("2025-02-15T00:00:00Z"));
        assertThat(reset("\"limited_user_reset_date\":1798761600")).as("epoch seconds").contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(reset("\"limited_user_reset_date\":1798761600000")).as("epoch milliseconds")
                .contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(reset("\"quota_reset_date\":\"next month\"")).isEmpty();
        assertThat(reset("\"quota_reset_date\":null")).isEmpty();
    }

    private static Optional<Instant> reset(String fields) {
        return QuotaAnswerParser.parse("{\"copilot_plan\":\"business\"," + fields + "}").orElseThrow().resetsAt();
    }

    @Test
    void plansOutsideTheFixedSetAreOther() {
        assertThat(Plan.of(Optional.of("individual_pro"), Optional.of("plus_monthly_subscriber_quota"))).contains(Plan.INDIVIDUAL_PRO);
        assertThat(Plan.of(Optional.of("Enterprise"), Optional.empty())).contains(Plan.ENTERPRISE);
        assertThat(Plan.of(Optional.of("copilot_for_individual_user"), Optional.empty())).contains(Plan.OTHER);
        assertThat(Plan.of(Optional.empty(), Optional.of("free_limited_copilot"))).contains(Plan.FREE);
        assertThat(Plan.of(Optional.empty(), Optional.of("yearly_subscriber_quota"))).isEmpty();
        assertThat(Plan.of(Optional.of(" "), Optional.empty())).isEmpty();
    }
}
