using System.Globalization;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;
using Xunit.Abstractions;

namespace PointsEngine.Api.Tests.Cli;

public sealed partial class when_a_year_of_ledgers_is_imported(ImportYearFixture year, ITestOutputHelper log) : IClassFixture<ImportYearFixture>
{
    private const int Year = 2025;

    [Fact]
    public async Task a_300_member_roster_and_a_year_of_facts_import_in_one_command()
    {
        Assert.True(year.FirstImport.Exit == 0, year.FirstImport.ToString());
        log.WriteLine($"Imported 300 members and {year.FactRows.Count} fact rows (scored and projected) in {year.FirstImportTook.TotalSeconds:0.0} s");
        var rows = 300 + year.FactRows.Count;
        Assert.True(year.FactRows.Count > 20_000, $"{year.FactRows.Count} fact rows");
        Assert.Contains($"imported: {rows} new", year.FirstImport.Output);
        Assert.Contains("0 already recorded, 0 rejected", year.FirstImport.Output);

        await using var store = await year.OpenAsync();
        var serializer = DomainSerializer.Create();
        var org = await new OrganisationDirectory(store, serializer, RuleSetDocument.Parse).CatchUpAsync();
        Assert.Equal(300, org.Members.Count);
        Assert.Equal(10, org.Branches.Count);
        Assert.Equal(30, org.Groups.Count);
        Assert.Equal(MemberStatus.Probationary, org.Members[new MemberId("m010")].Status);
        Assert.Equal("第01党支部", org.Branches[new BranchId("b01")].Name);

        // Every meeting is one fact with its whole attendance list; every fact records who imported it.
        var meetings = new List<MeetingHeld>();
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
        {
            if (!FactStreams.HoldsRecordedFacts(e.Stream) || e.Stream == FactStreams.Rules) continue;
            // The year's opening is the engine's own record; everything imported is the operator's.
            var opening = serializer.Deserialize(e) is YearOpened;
            Assert.Equal(opening ? ScoringEngine.SystemRecorder : "李书记", e.Metadata.RecordedBy);
            if (serializer.Deserialize(e) is MeetingHeld m) meetings.Add(m);
        }
        Assert.Equal(Meetings(), meetings.Count);
        Assert.Equal(AttendanceRows(), meetings.Sum(m => m.Attendance.Count));
        Assert.All(meetings.Where(m => m.Kind == MeetingKind.PartyGroupMeeting), m => Assert.NotNull(m.Group));

        // Scored and projected before the command returned: the read models already rank everyone.
        var models = new ReadModels(store, serializer);
        var ranking = await models.RankingAsync(RankingQuery.For(RankingScope.Organisation, null, Period.YearOf(Year)) with { PageSize = 1000 });
        Assert.Equal(300, ranking.Members);
        Assert.All(ranking.Rows, r => Assert.True(r.Points > 60, $"{r.Member}: {r.Points}"));
    }

    [Fact]
    public async Task a_second_run_imports_nothing_and_leaves_the_log_as_it_was()
    {
        var before = await HeadAsync();
        var again = await Cli.RunAsync(["import", year.Roster, year.Facts, "--operator", "另一位操作员", .. year.Store]);

        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains($"imported: 0 new (0 facts), {300 + year.FactRows.Count} already recorded, 0 rejected", again.Output);
        Assert.Equal(before, await HeadAsync());
    }

    [Fact]
    public async Task the_appraisal_workbook_has_the_read_models_totals_for_every_member()
    {
        await using var store = await year.OpenAsync();
        var models = new ReadModels(store, DomainSerializer.Create());
        var checkedMembers = 0;
        foreach (var branch in year.Members.Select(m => m.Branch).Distinct())
        {
            var file = Path.Combine(year.Dir, $"appraisal-{branch}.xlsx");
            var run = await Cli.RunAsync(["appraisal", "--year", "2025", "--branch", branch, "--out", file, .. year.Store]);
            Assert.True(run.Exit == 0, run.ToString());

            var sheets = XlsxFile.Read(file);
            // 汇总 (title rows, the header, 30 members, then counts and signatures), one sheet per member, 追溯.
            var summary = Printed(sheets.Single(s => s.SheetName == AppraisalWorkbook.SummarySheet)).Take(30).ToList();
            Assert.Equal(32, sheets.Count);
            var trace = Table(sheets.Single(s => s.SheetName == AppraisalWorkbook.TraceSheet));
            var report = await models.BranchEvidenceAsync(new BranchId(branch), Year);
            foreach (var row in summary)
            {
                var evidence = report.Members.Single(m => m.Name == row["姓名"]);
                var standing = await models.StandingAsync(evidence.Member, Year);
                Assert.Equal(standing!.Total, Number(row["总分"]));
                Assert.Equal(evidence.Total, Number(row["总分"]));
                Assert.Equal(evidence.Appraisal!.GradeName, row["等次"]);
                Assert.Equal(evidence.Appraisal.Vanguard ? "是" : "否", row["先锋示范岗"]);
                // #21 finding 1: the reason printed 「rank 4/30」 beside a summary place of 2 (a sequential place where ties share one).
                Assert.Contains($"rank {row["名次"]}/30", string.Join("；", evidence.Appraisal.Reasons), StringComparison.Ordinal);

                // The member's sheet: every line in plain words (its one explanation, #21), closed by the same total;
                // the auditors' 追溯 sheet names each line's fact, rule and recorder.
                var ledger = Printed(sheets.Single(s => s.SheetName == row["姓名"]));
                Assert.Equal(evidence.Lines.Count, ledger.Count(l => l["日期"] != ""));
                Assert.Equal(evidence.Total, Number(ledger.Single(l => l["事项"] == AppraisalWorkbook.TotalLabel)["得分"]));
                // (grouped by category on the sheet, so compared as sets of lines)
                Assert.Equal(evidence.Lines.Select(l => l.Explained.Text).Order(StringComparer.Ordinal),
                    ledger.Where(l => l["日期"] != "").Select(l => l["事项"]).Order(StringComparer.Ordinal));
                var lines = trace.Where(l => l["党员编号"] == evidence.Member.Value).ToList();
                Assert.Equal(evidence.Lines.Count, lines.Count);
                Assert.Equal(evidence.Lines.Select(l => (l.Explained.Rule, l.Explained.Recorder)), lines.Select(l => (l["规则"], l["记录人"])));
                Assert.All(lines, l =>
                {
                    Assert.NotEqual("", l["说明"]);
                    // #21: member sheets showed internal labels (V1.MeetingHeld, imp-… ids, 「requested 5, granted 0」).
                    foreach (var label in new[] { "V1.", "imp-", "requested", "granted" })
                    {
                        Assert.DoesNotContain(label, l["规则"] + l["事项"] + l["说明"] + l["记录人"], StringComparison.Ordinal);
                    }
                    // A line is either a fact's (imported, with its recorder), the base score or a period bonus the rules grant.
                    if (l["追溯"].StartsWith("事实 imp-", StringComparison.Ordinal)) Assert.StartsWith("李书记", l["记录人"], StringComparison.Ordinal);
                    else Assert.Equal("系统按规则计算", l["记录人"]);
                });
                checkedMembers++;
            }
            // Ranked by total, with the standard competition rank.
            var totals = summary.Select(r => Number(r["总分"])).ToList();
            Assert.Equal(totals.OrderDescending(), totals);
            Assert.Equal("1", summary[0]["名次"]);
        }
        Assert.Equal(300, checkedMembers);
    }

    [Fact]
    public async Task standings_and_rankings_round_trip_through_csv_and_xlsx()
    {
        await using var store = await year.OpenAsync();
        var models = new ReadModels(store, DomainSerializer.Create());
        foreach (var ext in new[] { "csv", "xlsx" })
        {
            var standingsFile = Path.Combine(year.Dir, $"standings-b03.{ext}");
            var run = await Cli.RunAsync(["export", "standings", "--year", "2025", "--branch", "b03", "--out", standingsFile, .. year.Store]);
            Assert.True(run.Exit == 0, run.ToString());
            var standings = Table(Spreadsheet.Read(standingsFile).Single());
            Assert.Equal(30, standings.Count);
            foreach (var row in standings)
            {
                var s = (await models.StandingAsync(new MemberId(row["党员编号"]), Year))!;
                Assert.Equal(s.Name, row["姓名"]);
                Assert.Equal(s.Total, Number(row["总分"]));
                foreach (var c in s.ByCategory) Assert.Equal(c.Points, Number(row[c.Name]));
                Assert.Equal($"{s.InBranch!.Rank}/{s.InBranch.Of}", row["支部排名"]);
            }

            var rankingFile = Path.Combine(year.Dir, $"ranking-q2.{ext}");
            run = await Cli.RunAsync(["export", "rankings", "--year", "2025", "--quarter", "2", "--out", rankingFile, .. year.Store]);
            Assert.True(run.Exit == 0, run.ToString());
            var expected = await models.RankingAsync(RankingQuery.For(RankingScope.Organisation, null, Period.QuarterOf(Year, 2)) with { PageSize = 1000 });
            var exported = Table(Spreadsheet.Read(rankingFile).Single());
            Assert.Equal(expected.Rows.Select(r => (r.Rank.ToString(CultureInfo.InvariantCulture), r.Member.Value, r.Points)),
                exported.Select(r => (r["名次"], r["党员编号"], Number(r["积分"]))));
        }

        var evidenceFile = Path.Combine(year.Dir, "evidence-b05.csv");
        var evidence = await Cli.RunAsync(["export", "evidence", "--year", "2025", "--branch", "b05", "--out", evidenceFile, .. year.Store]);
        Assert.True(evidence.Exit == 0, evidence.ToString());
        var report = await models.BranchEvidenceAsync(new BranchId("b05"), Year);
        var lines = Table(Spreadsheet.Read(evidenceFile).Single());
        Assert.Equal(report.Members.Sum(m => m.Lines.Count), lines.Count);
        Assert.Equal(report.Members.SelectMany(m => m.Lines).Select(l => l.Explained.Trace), lines.Select(l => l["追溯"]));
    }

    [Fact]
    public async Task verify_finds_the_clean_store_consistent()
    {
        var run = await Cli.RunAsync(["verify", .. year.Store]);
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("chain intact", run.Output);
        Assert.Contains("read model standings equals a replay", run.Output);
        Assert.Contains("read model activity equals a replay", run.Output);
    }

    private int AttendanceRows() => year.FactRows.Count(r => r[5] is "主题党日" or "支委会" or "党小组会" or "党员大会" or "党课" or "组织生活会");

    private int Meetings() => year.FactRows.Where(r => r[5] is "主题党日" or "支委会" or "党小组会" or "党员大会" or "党课" or "组织生活会")
        .Select(r => (r[0], r[3], r[4], r[5], r[10])).Distinct().Count();

    [Fact]
    public async Task rules_simulate_shows_what_a_draft_would_change_and_writes_nothing()
    {
        var before = await HeadAsync();
        var same = Path.Combine(year.Dir, "same-rules.json");
        await File.WriteAllTextAsync(same, PointsEngine.TestSupport.TypicalRules.Document());
        var higherBase = Path.Combine(year.Dir, "higher-base.json");
        await File.WriteAllTextAsync(higherBase, PointsEngine.TestSupport.TypicalRules.Document().Replace("\"baseScore\": 60", "\"baseScore\": 70", StringComparison.Ordinal));

        // The published rules themselves change nothing
        var unchanged = await Cli.RunAsync(["rules", "simulate", same, "--year", "2025", .. year.Store]);
        Assert.True(unchanged.Exit == 0, unchanged.ToString());
        Assert.Contains(": 0 member(s) change", unchanged.Output);

        // A base score of 70 instead of 60 adds exactly 10 to each of the 300 members, and no rank moves
        var raised = await Cli.RunAsync(["rules", "simulate", higherBase, "--year", "2025", .. year.Store]);
        Assert.True(raised.Exit == 0, raised.ToString());
        Assert.Contains(": 300 member(s) change", raised.Output);
        var lines = raised.Output.Split('\n').Select(l => l.TrimEnd('\r').Split('\t')).Where(c => c.Length == 7 && c[0] != "党员编号").ToList();
        Assert.Equal(300, lines.Count);
        Assert.All(lines, c =>
        {
            Assert.Equal("+10", c[5]);
            Assert.Equal(decimal.Parse(c[3], CultureInfo.InvariantCulture) + 10, decimal.Parse(c[4], CultureInfo.InvariantCulture));
            var ranks = c[6].Split('→');
            Assert.Equal(ranks[0], ranks[1]);
        });
        Assert.Equal(before, await HeadAsync());
    }

    private async Task<LogPosition> HeadAsync()
    {
        await using var store = await year.OpenAsync();
        return await store.ReadHeadPositionAsync();
    }

    /// A sheet's rows as header → cell.
    public static List<Dictionary<string, string>> Table(SheetTable table)
    {
        var headers = table.Rows[0].Cells;
        return [.. table.Rows.Skip(1).Select(r => headers.Select((h, i) => (h, r[i])).ToDictionary(x => x.h, x => x.Item2))];
    }

    public static decimal Number(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
