using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Api.Importing;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests.Cli;

/// #19 "the grid layout secretaries actually keep" and "import fixtures written by another spreadsheet writer":
/// workbooks written by openpyxl and saved by LibreOffice Calc (Cli/Fixtures, made once by make_import_fixtures.py),
/// imported end to end by the CLI into a real SQLite file.
public sealed class when_a_grid_or_a_third_party_workbook_is_imported : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-grid-").FullName;
    private readonly List<LedgerFiles.Member> _members = LedgerFiles.Members(1, 40);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Cli", "Fixtures", name);

    private string[] StoreOf(string db) => ["--store-path", Path.Combine(_dir, db)];

    private async Task<string[]> EnrolledStoreAsync(string db = "points.db")
    {
        var store = StoreOf(db);
        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(_members));
        await Cli.PublishDefaultRulesAsync(_dir, store);
        var run = await Cli.RunAsync(["import", roster, .. store]);
        Assert.True(run.Exit == 0, run.ToString());
        return store;
    }

    private async Task<List<IFact>> FactsAsync(string db = "points.db") => await when_a_ledger_has_mistakes.RecordedFactsAsync(Path.Combine(_dir, db));

    private static string Describe(MeetingHeld m) =>
        $"{m.FactId.Value} {m.OccurredOn:yyyy-MM-dd} {m.Branch.Value} {m.Kind} {m.Mode} {m.Topic}: {string.Join(",", m.Attendance.Select(a => $"{a.Member.Value}={a.Status}"))}";

    [Fact]
    public async Task grid_problem_an_openpyxl_grid_records_each_meeting_column_whole_with_errors_by_cell()
    {
        // #19 grid layout: a members × meetings sheet (title merged across, labels 日期/类型/说明 in column B, marks
        // 出席 √ ○ × 迟到 病假 ✓ 假 事假 ✗) was refused on main ("无法识别的列 / unknown column 党员大会").
        var store = await EnrolledStoreAsync();
        var file = Path.Combine(_dir, "grid.xlsx");
        File.Copy(Fixture("openpyxl-grid.xlsx"), file);

        var run = await Cli.RunAsync(["import", file, .. store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("grid.xlsx[出勤]: 积分台账（网格）facts (grid), 17 个出勤单元格 attendance cells", run.Output);
        Assert.Contains("imported: 8 new (2 facts), 0 already recorded, 9 rejected.", run.Output);
        var meetings = (await FactsAsync()).OfType<MeetingHeld>().OrderBy(m => m.OccurredOn).ToList();
        Assert.Equal(2, meetings.Count);
        Assert.Equal((new DateOnly(2025, 3, 14), MeetingKind.GeneralMeeting, "学习二十届三中全会精神"), (meetings[0].OccurredOn, meetings[0].Kind, meetings[0].Topic));
        Assert.Equal("m001=Present,m002=Present,m003=Excused,m004=Absent,m005=Late,m006=Excused",
            string.Join(",", meetings[0].Attendance.Select(a => $"{a.Member.Value}={a.Status}")));
        Assert.Equal((new DateOnly(2025, 4, 10), "m001=Present,m002=Excused"),
            (meetings[1].OccurredOn, string.Join(",", meetings[1].Attendance.Select(a => $"{a.Member.Value}={a.Status}"))));

        // Column E's date is a formula openpyxl saved without a value: the whole column is refused, by cell.
        Assert.Contains("grid.xlsx[出勤] 第 6 行 row 6 列 column 日期 E2: “日期”是公式但没有计算结果", run.Errors);
        Assert.Contains("党员 党员001（m001），第 E 列会议 党课「五月党课」", run.Errors);
        // Column F has one unreadable mark: the mark's cell and member are named, and the column is not recorded at all.
        Assert.Contains("第 8 行 row 8 列 column 出勤 F8: “出差”无效", run.Errors);
        Assert.Contains("党员 党员003（m003），第 F 列会议 2025/6/12 主题党日「六月主题党日」", run.Errors);
        Assert.Contains("第 6 行 row 6 列 column F6: 同一会议的单元格 F8 有错误", run.Errors);
        Assert.Contains("cell F8 of the same meeting is invalid", run.Errors);
        Assert.DoesNotContain(meetings, m => m.Kind == MeetingKind.ThemePartyDay);

        // The rejects file is the row layout (one row per refused cell, 原行号 the grid's row), which imports as it is.
        var rejects = when_a_year_of_ledgers_is_imported.Table(Spreadsheet.Read(Path.Combine(_dir, "grid.rejects.xlsx")).Single());
        Assert.Equal(9, rejects.Count);
        Assert.Equal(new[] { "6", "7", "8", "9" }, rejects.Where(r => r["类型"] == "党课").Select(r => r["原行号"]));
        Assert.Equal("出差", rejects.Single(r => r["原行号"] == "8" && r["类型"] == "主题党日")["出勤"]);

        // Fixed there (F8's mark, E's date typed in), the rejects file records the two meetings, each once.
        string[] headers = [.. rejects[0].Keys];
        var fixedRows = rejects.Select(r => headers.Select(h => (h, r[h]) switch
        {
            ("日期", "") => "2025-05-20",
            ("出勤", "出差") => "出席",
            var (_, v) => v,
        }).ToArray()).ToList();
        LedgerFiles.WriteXlsx(Path.Combine(_dir, "grid.rejects.xlsx"), "出勤", headers, fixedRows);
        var again = await Cli.RunAsync(["import", Path.Combine(_dir, "grid.rejects.xlsx"), .. store]);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("imported: 9 new (2 facts), 0 already recorded, 0 rejected.", again.Output);
        Assert.Equal(4, (await FactsAsync()).OfType<MeetingHeld>().Count());
    }

    [Fact]
    public async Task grid_problem_a_grid_gives_exactly_the_facts_and_keys_of_the_same_meetings_typed_as_rows()
    {
        // #19 grid layout: "producing exactly the same facts (same natural keys) as the row layout".
        var gridStore = await EnrolledStoreAsync("grid.db");
        var rowStore = await EnrolledStoreAsync("rows.db");
        await Cli.RunAsync(["import", Fixture("libreoffice-grid.xlsx"), "--rejects", _dir, .. gridStore]);
        string[] Row(string date, int member, string kind, string status, string topic) =>
            [date, $"m{member:000}", $"党员{member:000}", "", "", kind, status, "", "", "", topic, "", "", ""];
        var rows = Path.Combine(_dir, "rows.csv");
        LedgerFiles.WriteCsv(rows, LedgerFiles.FactHeaders,
        [
            .. new[] { "出席", "出席", "请假", "缺席", "迟到", "请假" }.Select((s, i) => Row("2025-03-14", i + 1, "党员大会", s, "学习二十届三中全会精神")),
            Row("2025-04-10", 1, "支委会", "出席", "研究发展党员工作"), Row("2025-04-10", 2, "支委会", "请假", "研究发展党员工作"),
            .. new[] { "出席", "出席", "请假", "缺席" }.Select((s, i) => Row("2025-05-20", i + 1, "党课", s, "五月党课")),
        ]);
        var run = await Cli.RunAsync(["import", rows, .. rowStore]);
        Assert.True(run.Exit == 0, run.ToString());

        var fromGrid = (await FactsAsync("grid.db")).OfType<MeetingHeld>().Select(Describe).Order().ToList();
        var fromRows = (await FactsAsync("rows.db")).OfType<MeetingHeld>().Select(Describe).Order().ToList();
        Assert.Equal(3, fromRows.Count);
        Assert.Equal(fromRows, fromGrid);
    }

    [Fact]
    public async Task a_libreoffice_saved_grid_reads_cached_formula_values_and_reimporting_either_writer_records_nothing()
    {
        // The same grid opened and saved by LibreOffice: E2's formula now has its value (2025-05-20, a serial number
        // without a date format), so column E is recorded; F is still refused whole.
        var store = await EnrolledStoreAsync();

        var run = await Cli.RunAsync(["import", Fixture("libreoffice-grid.xlsx"), "--rejects", _dir, .. store]);
        var again = await Cli.RunAsync(["import", Fixture("openpyxl-grid.xlsx"), "--rejects", _dir, .. store]);

        Assert.Contains("imported: 12 new (3 facts), 0 already recorded, 5 rejected.", run.Output);
        var lesson = (await FactsAsync()).OfType<MeetingHeld>().Single(m => m.Kind == MeetingKind.PartyLecture);
        Assert.Equal((new DateOnly(2025, 5, 20), 4), (lesson.OccurredOn, lesson.Attendance.Count));
        Assert.Equal(AttendanceStatus.Absent, lesson.Attendance.Single(a => a.Member.Value == "m004").Status); // ✗
        Assert.Contains("imported: 0 new (0 facts), 8 already recorded, 9 rejected.", again.Output);
    }

    [Theory]
    [InlineData("openpyxl-grid-two-row-headers.xlsx")]
    [InlineData("libreoffice-grid-two-row-headers.xlsx")]
    public async Task grid_problem_two_row_merged_headers_are_read_as_date_and_kind_with_topic(string fixture)
    {
        // 党员编号/姓名 merged down over two header rows; row 1 the dates, row 2 "主题党日：庆祝建党104周年".
        var store = await EnrolledStoreAsync();

        var run = await Cli.RunAsync(["import", Fixture(fixture), "--rejects", _dir, .. store]);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("imported: 7 new (2 facts), 0 already recorded, 0 rejected.", run.Output);
        var meetings = (await FactsAsync()).OfType<MeetingHeld>().OrderBy(m => m.OccurredOn).Select(m =>
            $"{m.OccurredOn:yyyy-MM-dd} {m.Kind} {m.Topic}: {string.Join(",", m.Attendance.Select(a => $"{a.Member.Value}={a.Status}"))}");
        Assert.Equal(
        [
            "2025-07-01 ThemePartyDay 庆祝建党104周年: m007=Present,m008=Present,m009=Absent,m010=Late",
            "2025-07-15 GeneralMeeting 半年工作总结: m007=Present,m008=Excused,m009=Present",
        ], meetings);
    }

    [Fact]
    public async Task an_openpyxl_ledger_with_merged_cells_full_width_digits_and_formulas_without_values()
    {
        var store = await EnrolledStoreAsync();

        var run = await Cli.RunAsync(["import", Fixture("openpyxl-rows-merged.xlsx"), "--rejects", _dir, .. store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("imported: 6 new (2 facts), 0 already recorded, 2 rejected.", run.Output);
        var facts = await FactsAsync();
        var meeting = facts.OfType<MeetingHeld>().Single();
        Assert.Equal((new DateOnly(2025, 8, 8), "学习党纪处分条例", 5), (meeting.OccurredOn, meeting.Topic, meeting.Attendance.Count));
        var service = facts.OfType<VolunteerServiceLogged>().Single();
        Assert.Equal((new DateOnly(2025, 8, 9), 2.5m), (service.OccurredOn, service.Hours)); // ２０２５年８月９日, ２．５
        Assert.Contains("第 8 行 row 8 列 column 数量/时长: “数量/时长”是公式但没有计算结果", run.Errors);
        Assert.Contains("第 9 行 row 9 列 column 日期: “日期”是公式但没有计算结果", run.Errors);
    }

    [Fact]
    public async Task the_same_ledger_saved_by_libreoffice_imports_whole_with_the_formulas_values()
    {
        var store = await EnrolledStoreAsync();

        var run = await Cli.RunAsync(["import", Fixture("libreoffice-rows-merged.xlsx"), "--rejects", _dir, .. store]);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("imported: 8 new (4 facts), 0 already recorded, 0 rejected.", run.Output);
        var services = (await FactsAsync()).OfType<VolunteerServiceLogged>().OrderBy(s => s.OccurredOn).Select(s => (s.OccurredOn, s.Hours)).ToList();
        Assert.Equal([(new DateOnly(2025, 8, 9), 2.5m), (new DateOnly(2025, 8, 10), 3m), (new DateOnly(2025, 8, 11), 4m)], services);
        Assert.Equal(5, (await FactsAsync()).OfType<MeetingHeld>().Single().Attendance.Count);
    }

    [Fact]
    public async Task the_forty_person_meeting_fixture_records_the_meeting_without_the_member_of_the_bad_kind_row()
    {
        // The fixture for #19 problem 3's fix-and-reimport loop: row 29 (m028) has the meeting kind 党员会, so it is
        // no meeting's row, and the other 39 are recorded as a meeting without m028 (the start of the loop).
        var store = await EnrolledStoreAsync();
        var file = Path.Combine(_dir, "meeting.xlsx");
        File.Copy(Fixture("forty-person-meeting-one-bad-kind.xlsx"), file);

        var run = await Cli.RunAsync(["import", file, .. store]);

        Assert.Contains("imported: 39 new (1 facts), 0 already recorded, 1 rejected.", run.Output);
        Assert.Contains("meeting.xlsx[台账] 第 29 行 row 29 列 column 类型: 未知的类型“党员会”", run.Errors);
        var meeting = (await FactsAsync()).OfType<MeetingHeld>().Single();
        Assert.Equal((new DateOnly(2025, 9, 12), 39), (meeting.OccurredOn, meeting.Attendance.Count));
        Assert.DoesNotContain(meeting.Attendance, a => a.Member.Value == "m028");
    }

    [Fact]
    public async Task the_template_command_writes_a_grid_template_that_reads_as_an_empty_grid()
    {
        var run = await Cli.RunAsync(["import", "template", "--out", _dir]);
        Assert.True(run.Exit == 0, run.ToString());

        foreach (var template in new[] { "积分台账-网格.xlsx", "积分台账-网格.csv" })
        {
            var dry = await Cli.RunAsync(["import", Path.Combine(_dir, template), "--dry-run", .. StoreOf("none.db")]);
            Assert.True(dry.Exit == 0, dry.ToString());
            Assert.Contains("积分台账（网格）facts (grid), 0 个出勤单元格 attendance cells", dry.Output);
        }
    }

    [Fact]
    public void a_grid_is_bounded_by_the_row_limit_counted_in_marked_cells()
    {
        // The grid reader is bounded as the row reader is: at most Import:MaxRows marked cells, or the file is refused.
        var header = new SheetRow(1, ["党员编号", "姓名", "2025-03-14", "2025-04-10"]);
        var kinds = new SheetRow(2, ["", "", "党员大会：一", "党员大会：二"]);
        var data = Enumerable.Range(3, 3).Select(n => new SheetRow(n, [$"m{n:000}", $"党员{n:000}", "√", "√"])).ToList();
        var table = new SheetTable("出勤", [header, kinds, .. data]);

        var within = GridLayout.Read("g.xlsx", table, new SpreadsheetLimits { MaxRows = 6 });
        var beyond = Assert.Throws<PointsEngine.Api.Commands.UsageException>(() => GridLayout.Read("g.xlsx", table, new SpreadsheetLimits { MaxRows = 5 }));

        Assert.Equal(6, within!.Value.Rows.Count);
        Assert.Contains("the grid holds more than 5 attendance cells (Import:MaxRows)", beyond.Message + beyond.ToString());
    }

    [Fact]
    public void law_a_grid_reads_as_the_rows_it_stands_for_one_per_marked_cell_in_reading_order()
    {
        // Reference model: for each member row, for each meeting column left to right, a non-empty mark is the row
        // (日期, 党员编号, 姓名, "", "", 类型, the mark's status name, "", 说明) — labelled or unlabelled headers alike.
        string[] marks = ["", "", "出席", "√", "✓", "到", "请假", "假", "病假", "事假", "○", "缺席", "×", "✗", "缺", "迟到", "迟", "出差"];
        string[] kinds = ["党员大会", "支委会", "党课", "主题党日", "组织生活会"];
        var grids = from members in Gen.Choose(1, 8)
                    from meetings in Gen.Choose(1, 5)
                    from labelled in Gen.Elements(true, false)
                    from cells in Gen.ArrayOf(Gen.Elements(marks), members * meetings)
                    from kindOf in Gen.ArrayOf(Gen.Elements(kinds), meetings)
                    select (members, meetings, labelled, cells, kindOf);
        var property = Prop.ForAll(grids.ToArbitrary(), g =>
        {
            string Date(int j) => $"2025-0{j + 1}-1{j}";
            var header = new List<SheetRow>
            {
                new(1, ["", g.labelled ? "日期" : "", .. Enumerable.Range(0, g.meetings).Select(Date)]),
                new(2, ["", g.labelled ? "类型" : "", .. g.kindOf]),
                new(3, ["", g.labelled ? "说明" : "", .. Enumerable.Range(0, g.meetings).Select(j => $"议题{j}")]),
                new(4, ["党员编号", "姓名"]),
            };
            var data = Enumerable.Range(0, g.members).Select(i => new SheetRow(5 + i,
                [$"m{i + 1:000}", $"党员{i + 1:000}", .. Enumerable.Range(0, g.meetings).Select(j => g.cells[i * g.meetings + j])])).ToList();
            var read = GridLayout.Read("g.xlsx", new SheetTable("出勤", [.. header, .. data]), new SpreadsheetLimits());

            var expected = new List<string>();
            for (var i = 0; i < g.members; i++)
                for (var j = 0; j < g.meetings; j++)
                    if (g.cells[i * g.meetings + j] is { Length: > 0 } mark)
                    {
                        var status = ChineseNames.TryParse<AttendanceStatus>(mark, out var named) ? ChineseNames.Of(named)
                            : GridLayout.Marks.TryGetValue(mark, out var marked) ? ChineseNames.Of(marked) : mark;
                        expected.Add(string.Join("|", Date(j), $"m{i + 1:000}", $"党员{i + 1:000}", "", "", g.kindOf[j], status, "", $"议题{j}") + $"@{5 + i}");
                    }
            Assert.NotNull(read);
            Assert.Empty(read.Value.Problems);
            Assert.Equal(expected, read.Value.Rows.Select(r => string.Join("|", r.Row.Cells) + $"@{r.Number}"));
            return true;
        });
        PropertyRuns.Check(property, 100);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
