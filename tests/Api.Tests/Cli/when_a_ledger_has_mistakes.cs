using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Tests.Cli;

/// A small branch and a ledger with deliberate mistakes: each is reported by row and column, only the
/// valid rows are written, the rejects file holds exactly the rejected rows, and nothing is half-written.
public sealed class when_a_ledger_has_mistakes : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-errors-").FullName;
    private string Database => Path.Combine(_dir, "points.db");
    private string[] Store => ["--store-path", Database];
    private readonly List<LedgerFiles.Member> _members = LedgerFiles.Members(1, 6);

    // Row numbers in the facts workbook (the header is row 1).
    private static readonly Dictionary<int, string> Mistakes = new()
    {
        [3] = "党员编号",   // unknown member m999 (on a suggestion)
        [4] = "日期",       // 2025-13-45
        [5] = "类型",       // 茶话会
        [6] = "数量/时长",  // -3 hours
        [7] = "姓名",       // missing
        [9] = "出勤",       // 出差 is no attendance status: rejects the whole 党员大会 on 2025-06-15 (rows 8–10)
        [11] = "审核人",    // an adjustment without approver
    };

    private List<string[]> FactRows()
    {
        var m = _members;
        string[] Row(string date, LedgerFiles.Member who, string type, string status = "", string quantity = "", string text = "学习", string reviewer = "", string name = "") =>
            [date, who.Id, name == "" ? who.Name : name, "", "", type, status, "", "", quantity, text, reviewer, "", ""];
        return
        [
            Row("2025-03-01", m[0], "合理化建议", text: "建议一"),                                          // 2 ok
            ["2025-03-02", "m999", "无名氏", "", "", "合理化建议", "", "", "", "", "建议二", "", "", ""],    // 3 unknown member
            Row("2025-13-45", m[1], "志愿服务", quantity: "2", text: "服务"),                              // 4 bad date
            Row("2025-03-04", m[2], "茶话会", text: "闲聊"),                                              // 5 unknown type
            Row("2025-03-05", m[3], "志愿服务", quantity: "-3", text: "服务"),                             // 6 negative hours
            ["2025-03-06", m[4].Id, "", "", "", "志愿服务", "", "", "", "2", "服务", "", "", ""],            // 7 missing name
            Row("2025-06-15", m[0], "党员大会", status: "出席", text: "年中大会"),                          // 8 meeting, fine
            Row("2025-06-15", m[1], "党员大会", status: "出差", text: "年中大会"),                          // 9 meeting, bad status
            Row("2025-06-15", m[2], "党员大会", status: "请假", text: "年中大会"),                          // 10 meeting, fine
            Row("2025-04-01", m[5], "加分", quantity: "3", text: "表彰"),                                  // 11 no approver
            Row("2025-05-01", m[1], "党课", status: "出席", text: "五月党课"),                              // 12 ok
            Row("2025-05-01", m[2], "党课", status: "缺席", text: "五月党课"),                              // 13 ok
            Row("2025-05-02", m[5], "金点子", text: "节能办法", reviewer: "评审组") is var idea ? [.. idea[..8], "二等奖", .. idea[9..]] : idea, // 14 ok
        ];
    }

    private async Task<string> SetUpAsync()
    {
        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(_members));
        await Cli.PublishDefaultRulesAsync(_dir, Store);
        var run = await Cli.RunAsync(["import", roster, .. Store]);
        Assert.True(run.Exit == 0, run.ToString());
        var facts = Path.Combine(_dir, "facts.xlsx");
        LedgerFiles.WriteXlsx(facts, "台账", LedgerFiles.FactHeaders, FactRows());
        return facts;
    }

    [Fact]
    public async Task a_dry_run_lists_every_mistake_by_row_and_column_and_writes_nothing()
    {
        var facts = await SetUpAsync();
        var before = await HeadAsync();

        var run = await Cli.RunAsync(["import", facts, "--dry-run", .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        foreach (var (row, column) in Mistakes)
            Assert.Contains($"facts.xlsx[台账] 第 {row} 行 row {row} 列 column {column}:", run.Errors);
        Assert.Contains("row 8", run.Errors); // the meeting's good rows are named too: the meeting is one fact
        Assert.Contains("dry run, nothing written: 4 new", run.Output);
        Assert.Equal(before, await HeadAsync());
        Assert.False(File.Exists(Path.Combine(_dir, "facts.rejects.xlsx")));
    }

    [Fact]
    public async Task a_real_run_writes_the_valid_rows_only_and_the_rejects_file_holds_exactly_the_bad_ones()
    {
        var facts = await SetUpAsync();

        var run = await Cli.RunAsync(["import", facts, "--operator", "王书记", .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("imported: 4 new (4 facts), 0 already recorded, 9 rejected", run.Output);
        var recorded = await RecordedFactsAsync();
        Assert.Equal(2, recorded.OfType<MeetingHeld>().Single().Attendance.Count); // the 党课, not the rejected 党员大会
        Assert.DoesNotContain(recorded, f => f is MeetingHeld { Kind: Domain.Values.MeetingKind.GeneralMeeting });
        Assert.Single(recorded.OfType<SuggestionSubmitted>());
        Assert.Single(recorded.OfType<GoldenIdeaAwarded>());
        Assert.Empty(recorded.OfType<VolunteerServiceLogged>());
        Assert.Empty(recorded.OfType<ManualAdjustment>());

        var rejects = when_a_year_of_ledgers_is_imported.Table(Spreadsheet.Read(Path.Combine(_dir, "facts.rejects.xlsx")).Single(s => s.SheetName == "台账"));
        var rejectedRows = new[] { 3, 4, 5, 6, 7, 8, 9, 10, 11 };
        var original = FactRows();
        Assert.Equal(rejectedRows.Select(r => original[r - 2][10]), rejects.Select(r => r["说明"]));
        Assert.Equal(rejectedRows.Select(r => original[r - 2][0]), rejects.Select(r => r["日期"]));
        Assert.All(rejects, r => Assert.NotEqual("", r["原因"]));
        Assert.Contains("同一会议的第 8 行（原行号 9）有错误", rejects[5]["原因"]); // row 8 of the rejects file is the input's row 9

        // Fixed in the rejects file itself, the rows import; the original file again writes nothing new.
        var fixedRows = original.Select(r => r.ToArray()).ToList();
        fixedRows[1][1] = _members[5].Id; fixedRows[1][2] = _members[5].Name;
        fixedRows[2][0] = "2025-03-03";
        fixedRows[3][5] = "主题党日"; fixedRows[3][6] = "出席";
        fixedRows[4][9] = "3";
        fixedRows[5][2] = _members[4].Name;
        fixedRows[7][6] = "出席";
        fixedRows[9][11] = "王书记";
        var corrected = Path.Combine(_dir, "facts.rejects.xlsx");
        LedgerFiles.WriteXlsx(corrected, "台账", [.. LedgerFiles.FactHeaders, "原因"], rejectedRows.Select(r => (string[])[.. fixedRows[r - 2], "（已改正）"]));
        var second = await Cli.RunAsync(["import", corrected, .. Store]);
        Assert.True(second.Exit == 0, second.ToString());
        Assert.Contains("imported: 9 new", second.Output);
        Assert.False(File.Exists(Path.Combine(_dir, "facts.rejects.rejects.xlsx")));

        var head = await HeadAsync();
        var third = await Cli.RunAsync(["import", facts, .. Store]);
        Assert.Contains("imported: 0 new (0 facts), 4 already recorded, 9 rejected", third.Output);
        Assert.Equal(head, await HeadAsync());
    }

    [Fact]
    public async Task a_row_recorded_before_with_other_content_is_refused_not_recorded_twice()
    {
        var facts = await SetUpAsync();
        Assert.Equal(1, (await Cli.RunAsync(["import", facts, .. Store])).Exit);
        // The same 党课 (branch, date, kind, topic) with another attendance status: a different record under one key.
        var changed = Path.Combine(_dir, "changed.csv");
        var rows = FactRows();
        rows[11][6] = "请假";
        LedgerFiles.WriteCsv(changed, LedgerFiles.FactHeaders, [rows[10], rows[11]]);
        var head = await HeadAsync();

        var run = await Cli.RunAsync(["import", changed, .. Store]);

        Assert.Equal(1, run.Exit);
        Assert.Contains("import again with --amend", run.Errors);
        Assert.Equal(2, (await File.ReadAllLinesAsync(Path.Combine(_dir, "changed.rejects.csv"))).Length - 1);
        Assert.Equal(head, await HeadAsync());
    }

    [Fact]
    public async Task problem_3_the_fixed_row_of_a_meeting_is_added_by_amendment_and_importing_again_records_nothing()
    {
        // #19 problem 3: the fixed row of a meeting recorded without it was refused ("revoke it first"), and
        // after a revocation the corrected original was refused the same way.
        var facts = await SetUpAsync();
        await Cli.RunAsync(["import", facts, .. Store]);
        var rows = FactRows();
        var fixedRow = Path.Combine(_dir, "fixed.csv");
        // The 五月党课 (rows 12–13) lacked a member whose row had a bad meeting kind; here is that row, fixed.
        string[] late = [.. rows[11]];
        late[1] = _members[3].Id;
        late[2] = _members[3].Name;
        late[6] = "出席";
        LedgerFiles.WriteCsv(fixedRow, LedgerFiles.FactHeaders, [late]);

        var offered = await Cli.RunAsync(["import", fixedRow, "--dry-run", .. Store]);
        var amended = await Cli.RunAsync(["import", fixedRow, "--amend", .. Store]);
        var head = await HeadAsync();
        var again = await Cli.RunAsync(["import", fixedRow, "--amend", .. Store]);
        var original = Path.Combine(_dir, "may.csv");
        LedgerFiles.WriteCsv(original, LedgerFiles.FactHeaders, [rows[10], rows[11]]);
        var originalAgain = await Cli.RunAsync(["import", original, .. Store]);

        Assert.Contains($"would amend imp-", offered.Output);
        Assert.Contains($"member {_members[3].Id} added as 出席", offered.Output);
        Assert.True(amended.Exit == 0, amended.ToString());
        Assert.Contains("imported: 1 new (2 facts)", amended.Output);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("imported: 0 new (0 facts), 1 already recorded", again.Output);
        Assert.True(originalAgain.Exit == 0, originalAgain.ToString());
        Assert.Contains("imported: 0 new (0 facts), 2 already recorded", originalAgain.Output);
        Assert.Equal(head, await HeadAsync());
        var recorded = await RecordedFactsAsync();
        var lessons = recorded.OfType<MeetingHeld>().Where(m => m.Topic == "五月党课").ToList();
        Assert.Equal(2, lessons.Count);
        Assert.Equal(lessons[0].FactId.Value + "~2", lessons[1].FactId.Value);
        Assert.Equal(3, lessons[1].Attendance.Count);
        Assert.Single(recorded.OfType<FactRevoked>(), r => r.Target == lessons[0].FactId);
    }

    private async Task<LogPosition> HeadAsync()
    {
        if (!File.Exists(Database)) return LogPosition.Start;
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(Database));
        return await store.ReadHeadPositionAsync();
    }

    private Task<List<IFact>> RecordedFactsAsync() => RecordedFactsAsync(Database);

    /// The facts recorded in a SQLite store (rule sets left out), read back through the store.
    public static async Task<List<IFact>> RecordedFactsAsync(string database)
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(database));
        var serializer = DomainSerializer.Create();
        var facts = new List<IFact>();
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
            if (FactStreams.HoldsRecordedFacts(e.Stream) && serializer.Deserialize(e) is IFact f and not RuleSetPublished) facts.Add(f);
        return facts;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
