using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;
using static PointsEngine.Projections.Tests.Examples.TwoBranchYear;

namespace PointsEngine.Projections.Tests.Examples;

/// The numbers a branch secretary would check by hand against the table in TwoBranchYear.
public abstract class when_two_branches_record_their_year(SharedScenario shared)
{
    protected abstract Backend Backend { get; }

    private Task<Scenario> Year() => shared.GetAsync(async () =>
    {
        var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(Facts());
        await scenario.SettleAsync();
        return scenario;
    });

    private static readonly DateOnly Jan1 = new(2025, 1, 1), Dec31 = new(2025, 12, 31);

    private async Task<List<(int Rank, string Member, decimal Points)>> RankAsync(RankingQuery query)
    {
        var ranking = await (await Year()).ReadModels.RankingAsync(query);
        return [.. ranking.Rows.Select(r => (r.Rank, r.Member.Value, r.Points))];
    }

    [Fact]
    public async Task the_branch_ranking_for_the_year_follows_the_ledger()
    {
        Assert.Equal([(1, "m1", 90.5m), (2, "m2", 70m), (3, "m5", 69m), (4, "m3", 62m)],
            await RankAsync(new RankingQuery(RankingScope.Branch, "b1", Jan1, Dec31)));
    }

    [Fact]
    public async Task a_transfer_leaves_earlier_points_with_the_old_branch_and_later_ones_with_the_new()
    {
        Assert.Equal([(1, "m4", 65m), (2, "m5", 7m)], await RankAsync(new RankingQuery(RankingScope.Branch, "b2", Jan1, Dec31)));
        Assert.Equal([(1, "m1", 90.5m), (2, "m5", 76m), (3, "m2", 70m), (4, "m4", 65m), (5, "m3", 62m)],
            await RankAsync(new RankingQuery(RankingScope.Zone, "z1", Jan1, Dec31)));
    }

    [Fact]
    public async Task equal_points_share_a_rank_and_the_next_rank_is_skipped()
    {
        // First quarter: base 60 + 党员大会 5 + full-attendance 2 for three members; 60 − 3 for the absentee.
        Assert.Equal([(1, "m1", 67m), (1, "m2", 67m), (1, "m5", 67m), (4, "m3", 57m)],
            await RankAsync(RankingQuery.For(RankingScope.Branch, "b1", Period.QuarterOf(2025, 1))));
    }

    [Fact]
    public async Task party_group_organisation_filters_and_pages_rank_the_same_ledger()
    {
        Assert.Equal([(1, "m1", 90.5m), (2, "m2", 70m)], await RankAsync(new RankingQuery(RankingScope.PartyGroup, "g1", Jan1, Dec31)));
        Assert.Equal([(1, "m3", 62m)],
            await RankAsync(new RankingQuery(RankingScope.Branch, "b1", Jan1, Dec31) { Status = MemberStatus.Probationary }));
        var page2 = await (await Year()).ReadModels.RankingAsync(new RankingQuery(RankingScope.Organisation, null, Jan1, Dec31) { Page = 2, PageSize = 2 });
        Assert.Equal(5, page2.Members);
        Assert.Equal([(3, "m2"), (4, "m4")], page2.Rows.Select(r => (r.Rank, r.Member.Value)));
        // July alone: only m5's and m4's b2 meeting lies in August, so July has nobody with points.
        Assert.All(await RankAsync(new RankingQuery(RankingScope.Organisation, null, new(2025, 7, 1), new(2025, 7, 31))), r => Assert.Equal(0m, r.Points));
    }

    [Fact]
    public async Task a_members_standing_has_totals_by_category_and_month_places_and_a_series()
    {
        var standing = await (await Year()).ReadModels.StandingAsync(M1, 2025);
        Assert.NotNull(standing);
        Assert.Equal("张三", standing.Name);
        Assert.Equal(90.5m, standing.Total);
        Assert.Equal(B1, standing.Branch);
        Assert.Equal(G1, standing.Group);
        Assert.Equal(new Placing(1, 4), standing.InBranch);
        Assert.Equal(new Placing(1, 2), standing.InGroup);
        Assert.Equal(new Dictionary<string, decimal> { ["adjustment"] = 15m, ["attendance"] = 12m, ["base"] = 60m, ["volunteer"] = 3.5m },
            standing.ByCategory.ToDictionary(c => c.Category, c => c.Points));
        Assert.Equal(standing.Total, standing.ByMonth.Sum());
        Assert.Equal(15m, standing.ByMonth[9]); // October: the adjustment
        Assert.Equal(standing.Total, standing.Series[^1].Cumulative);
        Assert.True(standing.Series.Zip(standing.Series.Skip(1)).All(p => p.First.Date < p.Second.Date));
    }

    [Fact]
    public async Task a_standing_as_of_a_past_date_counts_only_what_had_happened_by_then()
    {
        var march = await (await Year()).ReadModels.StandingAsync(M1, 2025, new DateOnly(2025, 3, 31));
        Assert.NotNull(march);
        Assert.Equal(67m, march.Total);
        Assert.Equal(new Placing(1, 4), march.InBranch); // tied with m2 and m5
        var m5InJune = await (await Year()).ReadModels.StandingAsync(M5, 2025, new DateOnly(2025, 6, 30));
        Assert.Equal(B1, m5InJune!.Branch);
        var m5AtYearEnd = await (await Year()).ReadModels.StandingAsync(M5, 2025);
        Assert.Equal(B2, m5AtYearEnd!.Branch);
        Assert.Equal(new Placing(2, 2), m5AtYearEnd.InBranch); // in b2 only the 7 points earned there count
    }

    [Fact]
    public async Task the_evidence_lists_every_change_in_date_order_with_its_fact_and_rule()
    {
        var evidence = await (await Year()).ReadModels.EvidenceAsync(M3, 2025);
        Assert.NotNull(evidence);
        Assert.Equal(62m, evidence.Total);
        Assert.Equal(evidence.Lines.Select(l => l.OccurredOn).Order(), evidence.Lines.Select(l => l.OccurredOn));

        var absent = Assert.Single(evidence.Lines, l => l.Rule.Value == "absent");
        Assert.Equal(-3m, absent.Granted);
        Assert.Equal("default-2025.1", absent.Version.Value);
        Assert.Equal("meet-1", absent.Fact!.FactId.Value);
        Assert.Equal("书记", absent.Fact.RecordedBy);
        Assert.Contains("党员大会", absent.Fact.Summary);

        // The revoked volunteer record: awarded, then reverted, and the fact says who revoked it and why.
        var volunteer = evidence.Lines.Where(l => l.Fact?.FactId.Value == "vol-2").ToList();
        Assert.Equal(["awarded", "reverted"], volunteer.Select(l => l.Change));
        Assert.Equal(2m, volunteer[0].Granted);
        Assert.Equal(2m, volunteer[1].PreviousGranted);
        Assert.Equal(0m, volunteer[1].Granted);
        Assert.Equal("社区书记", volunteer[0].Fact!.AssessedBy);
        var revocation = Assert.Single(volunteer[1].Fact!.Revocations);
        Assert.Equal(("vol-2-revoked", "重复登记"), (revocation.Revocation.Value, revocation.Reason));

        // The current lines add up to the total, category by category.
        Assert.Equal(evidence.Total, evidence.ByCategory.Sum(c => c.Points));
        Assert.Equal(62m, evidence.Standing.Total.Value);
        Assert.Equal((2, 1, 1), (evidence.Standing.MeetingsListed, evidence.Standing.MeetingsAttended, evidence.Standing.UnexcusedAbsences));
    }

    [Fact]
    public async Task the_branch_report_grades_every_member_with_reasons_and_names_the_vanguard()
    {
        var report = await (await Year()).ReadModels.BranchEvidenceAsync(B1, 2025);
        Assert.Equal("第一党支部", report.Name);
        // m5 ended the year in b2, so b1's report holds the other three.
        Assert.Equal(["m1", "m2", "m3"], report.Members.Select(m => m.Member.Value));
        var grades = report.Members.ToDictionary(m => m.Member.Value, m => (m.Appraisal!.GradeName, m.Appraisal.Vanguard));
        Assert.Equal(("优秀", true), grades["m1"]);
        Assert.Equal(("合格", false), grades["m2"]);
        Assert.Equal(("基本合格", false), grades["m3"]); // 62, and the absence bars 优秀 anyway
        Assert.Contains(report.Members.Single(m => m.Member == M3).Appraisal!.Reasons, r => r.Contains("一票否决"));
        Assert.Contains(report.Members.Single(m => m.Member == M1).Appraisal!.Reasons, r => r.Contains("先锋示范岗"));
    }

    [Fact]
    public async Task the_dashboard_counts_meetings_against_the_cadence_and_attendance_per_meeting_and_member()
    {
        var dashboard = await (await Year()).ReadModels.DashboardAsync(B1, 2025);
        var general = dashboard.Meetings.Single(m => m.Kind == MeetingKind.GeneralMeeting);
        Assert.Equal(1, general.ByMonth[2]);
        Assert.Equal(["2025-Q2", "2025-Q3", "2025-Q4"], general.MissedPeriods);
        var first = dashboard.MeetingAttendance.Single(m => m.Meeting.Value == "meet-1");
        Assert.Equal((4, 3, 1, 0.75m), (first.Listed, first.Attended, first.Absent, first.Rate));
        var m2 = dashboard.MemberAttendance.Single(m => m.Member == M2);
        Assert.Equal((2, 1, 1, 0.5m), (m2.Listed, m2.Attended, m2.Excused, m2.Rate));
        Assert.Equal(new Participation(4, 1, 1, 0, 0, 3.5m, 1), dashboard.Participation); // the revoked 2 hours do not count
    }

    [Fact]
    public async Task warnings_flag_quiet_members_unexcused_absences_and_missed_meetings()
    {
        var warnings = await (await Year()).ReadModels.WarningsAsync(new DateOnly(2025, 9, 1), new WarningThresholds { MonthsWithoutAttendance = 3, UnexcusedAbsences = 1 });
        Assert.Equal(["m1", "m2", "m3"], warnings.Members.Where(w => w.Kind == MemberWarningKind.NoAttendance).Select(w => w.Member.Value));
        Assert.Equal(["m3"], warnings.Members.Where(w => w.Kind == MemberWarningKind.UnexcusedAbsences).Select(w => w.Member.Value));
        Assert.Equal(["2025-Q2"], warnings.Branches.Where(w => w.Branch == B1 && w.Kind == MeetingKind.GeneralMeeting).Select(w => w.Period));
        Assert.All(warnings.Members, w => Assert.False(string.IsNullOrEmpty(w.Chinese)));
    }
}

public sealed class when_two_branches_record_their_year_on_sqlite(SharedScenario shared)
    : when_two_branches_record_their_year(shared), IClassFixture<SharedScenario>
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_two_branches_record_their_year_on_postgres(SharedScenario shared, PostgresFixture postgres)
    : when_two_branches_record_their_year(shared), IClassFixture<SharedScenario>
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
