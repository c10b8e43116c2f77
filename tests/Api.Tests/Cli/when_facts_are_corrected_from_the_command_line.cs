using System.Net;
using Microsoft.AspNetCore.Hosting;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Tests.Cli;

/// #19 "the CLI gets `facts list` and `facts revoke|amend` by the same natural keys as import", and "import cannot
/// see meetings recorded on the page": a small branch's ledger imported, then found, corrected and revoked from the
/// command line by what a secretary remembers (kind, date, branch or member, topic) or by id.
public sealed class when_facts_are_corrected_from_the_command_line : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-facts-").FullName;
    private string Database => Path.Combine(_dir, "points.db");
    private string[] Store => ["--store-path", Database];
    private readonly List<LedgerFiles.Member> _members = LedgerFiles.Members(1, 4);

    private string[] Row(string date, LedgerFiles.Member who, string type, string status = "", string quantity = "", string text = "年中大会", string reviewer = "") =>
        [date, who.Id, who.Name, "", "", type, status, "", "", quantity, text, reviewer, "", ""];

    private List<string[]> Meeting(string absent = "") =>
        [.. _members.Take(3).Select(m => Row("2025-06-15", m, "党员大会", status: m.Id == absent ? "缺席" : "出席"))];

    private async Task SetUpAsync(bool withLedger = true)
    {
        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(_members));
        await Cli.PublishDefaultRulesAsync(_dir, Store);
        var run = await Cli.RunAsync(["import", roster, .. Store]);
        Assert.True(run.Exit == 0, run.ToString());
        if (!withLedger) return;
        var facts = Path.Combine(_dir, "facts.csv");
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders,
            [.. Meeting(), Row("2025-07-01", _members[3], "加分", quantity: "3", text: "抗洪表彰", reviewer: "王书记")]);
        run = await Cli.RunAsync(["import", facts, .. Store]);
        Assert.True(run.Exit == 0, run.ToString());
    }

    [Fact]
    public async Task facts_list_prints_the_natural_keys_and_ids_and_finds_a_members_meetings()
    {
        await SetUpAsync();

        var byMember = await Cli.RunAsync(["facts", "list", "--member", _members[1].Id, "--from", "2025-01-01", "--to", "2025-12-31", .. Store]);
        var byKind = await Cli.RunAsync(["facts", "list", "--branch", "b01", "--kind", "加分", "--from", "2025-01-01", "--to", "2025-12-31", .. Store]);
        var none = await Cli.RunAsync(["facts", "list", "--kind", "党课", "--from", "2025-01-01", "--to", "2025-12-31", .. Store]);

        Assert.True(byMember.Exit == 0, byMember.ToString());
        var meeting = Assert.Single(byMember.Output.Split('\n'), l => l.StartsWith("2025-06-15", StringComparison.Ordinal));
        Assert.Equal(["2025-06-15", "党员大会", "b01", "", "年中大会"], meeting.Split('\t')[..5]);
        Assert.StartsWith("imp-", meeting.Split('\t')[5]);
        Assert.Contains("1 条记录", byMember.Output);
        var bonus = Assert.Single(byKind.Output.Split('\n'), l => l.StartsWith("2025-07-01", StringComparison.Ordinal));
        Assert.Equal(["2025-07-01", "加分", _members[3].Id, "", "抗洪表彰"], bonus.Split('\t')[..5]);
        Assert.Contains("0 条记录", none.Output);
    }

    [Fact]
    public async Task facts_amend_by_natural_key_moves_the_members_points_by_the_difference_once()
    {
        await SetUpAsync();
        var before = await TotalsAsync();
        string[] amend = ["facts", "amend", "--kind", "党员大会", "--date", "2025-06-15", "--branch", "b01", "--topic", "年中大会",
            "--status", $"{_members[1].Id}=缺席", "--reason", "签到表录错", .. Store];

        var amended = await Cli.RunAsync(amend);
        var head = await HeadAsync();
        var again = await Cli.RunAsync(amend);

        Assert.True(amended.Exit == 0, amended.ToString());
        Assert.Contains($"member {_members[1].Id} 出席 → 缺席", amended.Output);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("nothing written", again.Output);
        Assert.Equal(head, await HeadAsync());
        var after = await TotalsAsync();
        // Typical rules: 党员大会 present +5 and the quarter's full attendance +2 become absent −3.
        Assert.Equal(before[_members[1].Id] - 10m, after[_members[1].Id]);
        Assert.Equal(before[_members[0].Id], after[_members[0].Id]);
        Assert.Equal(before[_members[3].Id], after[_members[3].Id]);
        var facts = await when_a_ledger_has_mistakes.RecordedFactsAsync(Database);
        var versions = facts.OfType<MeetingHeld>().ToList();
        Assert.Equal(2, versions.Count);
        Assert.Equal(versions[0].FactId.Value + "~2", versions[1].FactId.Value);
        Assert.Single(facts.OfType<FactRevoked>(), r => r.Target == versions[0].FactId && r.Reason == "签到表录错");
    }

    [Fact]
    public async Task facts_revoke_by_id_or_natural_key_takes_the_points_back_and_running_it_again_writes_nothing()
    {
        await SetUpAsync();
        var before = await TotalsAsync();
        var list = await Cli.RunAsync(["facts", "list", "--kind", "加分", "--from", "2025-01-01", "--to", "2025-12-31", .. Store]);
        var id = list.Output.Split('\n').Single(l => l.StartsWith("2025-07-01", StringComparison.Ordinal)).Split('\t')[5];

        var noReason = await Cli.RunAsync(["facts", "revoke", id, .. Store]);
        var unknown = await Cli.RunAsync(["facts", "revoke", "--kind", "党员大会", "--date", "2025-06-16", "--branch", "b01", "--reason", "r", .. Store]);
        var byId = await Cli.RunAsync(["facts", "revoke", id, "--reason", "重复登记", .. Store]);
        var head = await HeadAsync();
        var byIdAgain = await Cli.RunAsync(["facts", "revoke", id, "--reason", "重复登记", .. Store]);
        var meeting = await Cli.RunAsync(["facts", "revoke", "--kind", "党员大会", "--date", "2025-06-15", "--branch", "b01", "--reason", "会议未召开", .. Store]);
        var listed = await Cli.RunAsync(["facts", "list", "--from", "2025-01-01", "--to", "2025-12-31", .. Store]);

        Assert.Equal(2, noReason.Exit);
        Assert.Contains("--reason", noReason.Errors);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("找不到记录", unknown.Errors);
        Assert.Contains("No record", unknown.Errors);
        Assert.True(byId.Exit == 0, byId.ToString());
        Assert.Contains($"revoked {id}", byId.Output);
        Assert.True(byIdAgain.Exit == 0, byIdAgain.ToString());
        Assert.Contains("nothing written", byIdAgain.Output);
        Assert.True(meeting.Exit == 0, meeting.ToString());
        Assert.NotEqual(head, await HeadAsync());
        Assert.Equal(2, listed.Output.Split('\n').Count(l => l.EndsWith("已撤销 revoked", StringComparison.Ordinal)));
        var after = await TotalsAsync();
        Assert.All(_members, m => Assert.Equal(60m, after[m.Id])); // the base score: nothing else was recorded
        Assert.True(before[_members[3].Id] > after[_members[3].Id]);
    }

    [Fact]
    public async Task problem_import_recognises_a_meeting_recorded_on_the_page_by_its_natural_key()
    {
        // #19 (import cannot see page meetings): the natural key lookup only knew imported facts, so the same meeting
        // imported after it was entered on the page was recorded a second time (every member counted twice).
        await SetUpAsync(withLedger: false);
        string recordedId;
        await using (var api = ApiHost.InDirectory(Directory.CreateTempSubdirectory("pe-api-facts-").FullName, b => b.UseSetting("Store:Path", Database)))
        {
            var secretary = api.Client(api.Token(Api.Access.Role.Secretary, "secretary-b01", ["b01"]));
            var posted = await secretary.PostJsonAsync("/api/branches/b01/meetings?wait=true", new
            {
                occurredOn = "2025-06-15", kind = "党员大会", topic = "年中大会",
                attendance = _members.Take(3).Select(m => new { member = m.Id, status = "出席" }),
            }, "page-meeting");
            posted.ShouldBe(HttpStatusCode.Created);
            recordedId = posted["factId"]!;
        }
        var before = await TotalsAsync();
        var same = Path.Combine(_dir, "same.csv");
        LedgerFiles.WriteCsv(same, LedgerFiles.FactHeaders, Meeting());
        var changed = Path.Combine(_dir, "changed.csv");
        LedgerFiles.WriteCsv(changed, LedgerFiles.FactHeaders, Meeting(absent: _members[1].Id));

        var sameRun = await Cli.RunAsync(["import", same, .. Store]);
        var offered = await Cli.RunAsync(["import", changed, "--dry-run", .. Store]);
        var amended = await Cli.RunAsync(["import", changed, "--amend", .. Store]);

        Assert.True(sameRun.Exit == 0, sameRun.ToString());
        Assert.Contains("imported: 0 new (0 facts), 3 already recorded", sameRun.Output);
        Assert.Contains($"would amend {recordedId} : member {_members[1].Id} 出席 → 缺席", offered.Output);
        Assert.True(amended.Exit == 0, amended.ToString());
        Assert.Contains("imported: 3 new (2 facts)", amended.Output);
        var after = await TotalsAsync();
        Assert.Equal(before[_members[0].Id], after[_members[0].Id]);
        Assert.Equal(before[_members[1].Id] - 10m, after[_members[1].Id]);
        var meetings = (await when_a_ledger_has_mistakes.RecordedFactsAsync(Database)).OfType<MeetingHeld>().ToList();
        Assert.Equal([recordedId, recordedId + "~2"], meetings.Select(m => m.FactId.Value));
    }

    private async Task<Dictionary<string, decimal>> TotalsAsync()
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(Database));
        var models = new ReadModels(store, DomainSerializer.Create());
        var totals = new Dictionary<string, decimal>();
        foreach (var m in _members) totals[m.Id] = (await models.StandingAsync(new MemberId(m.Id), 2025))?.Total ?? 60m;
        return totals;
    }

    private async Task<LogPosition> HeadAsync()
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(Database));
        return await store.ReadHeadPositionAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
