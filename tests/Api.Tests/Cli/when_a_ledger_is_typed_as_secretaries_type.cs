using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Facts;
using static PointsEngine.Api.Tests.Cli.HostileWorkbooks;

namespace PointsEngine.Api.Tests.Cli;

/// #19 "Import reads what secretaries type": full-width digits, formulas saved without their values, cells merged
/// down a meeting, the rejects file's numbering and the dry run's summary (problems 4 and 5 of the issue).
public sealed class when_a_ledger_is_typed_as_secretaries_type : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-typed-").FullName;
    private string Database => Path.Combine(_dir, "points.db");
    private string[] Store => ["--store-path", Database];
    private readonly List<LedgerFiles.Member> _members = LedgerFiles.Members(1, 6);

    private async Task EnrolAsync()
    {
        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(_members));
        await Cli.PublishDefaultRulesAsync(_dir, Store);
        var run = await Cli.RunAsync(["import", roster, .. Store]);
        Assert.True(run.Exit == 0, run.ToString());
    }

    private string[] Row(string date, LedgerFiles.Member who, string type, string status = "", string quantity = "", string text = "学习", string id = "") =>
        [date, id == "" ? who.Id : id, who.Name, "", "", type, status, "", "", quantity, text, "", "", ""];

    [Fact]
    public async Task full_width_digits_and_punctuation_are_read_as_typed_not_refused()
    {
        // #19 problem 5: １２ and －/．/年月日 typed with a Chinese input method were refused as not a date / not a number.
        await EnrolAsync();
        var facts = Path.Combine(_dir, "fullwidth.csv");
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders,
        [
            Row("２０２５－０３－０５", _members[1], "志愿服务", quantity: "１．５", text: "社区服务", id: "ｍ００２"),
            Row("２０２５年６月１日", _members[0], "党课", status: "出席", text: "六月党课"),
            Row("２０２５．６．１", _members[2], "党课", status: "请假", text: "六月党课"),
            Row("2025-07-01", _members[3], "加分", quantity: "１２", text: "抗洪抢险表现突出") is var bonus ? [.. bonus[..11], "王书记", "", ""] : bonus,
        ]);

        var run = await Cli.RunAsync(["import", facts, .. Store]);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains("imported: 4 new (3 facts), 0 already recorded, 0 rejected", run.Output);
        var recorded = await when_a_ledger_has_mistakes.RecordedFactsAsync(Database);
        var service = recorded.OfType<VolunteerServiceLogged>().Single();
        Assert.Equal((new DateOnly(2025, 3, 5), "m002", 1.5m), (service.OccurredOn, service.Member.Value, service.Hours));
        var lesson = recorded.OfType<MeetingHeld>().Single();
        Assert.Equal((new DateOnly(2025, 6, 1), 2), (lesson.OccurredOn, lesson.Attendance.Count));
        Assert.Equal(12m, recorded.OfType<ManualAdjustment>().Single().Points.Value);
        Assert.Equal("六月党课", lesson.Topic); // text is kept as typed
    }

    [Fact]
    public async Task a_formula_without_a_computed_value_is_reported_as_a_formula_and_one_with_its_value_is_read()
    {
        // #19 problem 5: a file saved by a writer that does not calculate (openpyxl: <f>…</f><v/>) had its formula
        // cells reported as empty; a formula with its cached value was read as empty too (the value after <f> was skipped).
        await EnrolAsync();
        var file = Path.Combine(_dir, "formulas.xlsx");
        Write(file, w => w.Write(
            "<row r=\"1\">" + string.Concat(LedgerFiles.FactHeaders.Select((h, i) => Cell(XlsxFile.ColumnName(i) + "1", h))) + "</row>"
            + "<row r=\"2\"><c r=\"A2\" t=\"str\"><f>TEXT(DATE(2025,3,5),\"yyyy-mm-dd\")</f><v>2025-03-05</v></c>" + Cell("B2", "m001") + Cell("C2", "党员001")
            + Cell("F2", "志愿服务") + "<c r=\"J2\"><f>1+1</f><v>2</v></c>" + Cell("K2", "社区服务") + "</row>"
            + "<row r=\"3\"><c r=\"A3\"><f>A2+1</f></c>" + Cell("B3", "m002") + Cell("C3", "党员002")
            + Cell("F3", "志愿服务") + "<c r=\"J3\"><f>1+1</f><v></v></c>" + Cell("K3", "社区服务") + "</row>"));

        var run = await Cli.RunAsync(["import", file, .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("imported: 1 new (1 facts), 0 already recorded, 1 rejected", run.Output);
        Assert.Contains("第 3 行 row 3 列 column 日期: “日期”是公式但没有计算结果，请在 Excel 中重新计算并保存 / '日期' is a formula with no computed value", run.Errors);
        Assert.Contains("第 3 行 row 3 列 column 数量/时长: “数量/时长”是公式但没有计算结果", run.Errors);
        Assert.DoesNotContain("不能为空", run.Errors);
        Assert.Equal(2m, (await when_a_ledger_has_mistakes.RecordedFactsAsync(Database)).OfType<VolunteerServiceLogged>().Single().Hours);
    }

    private string WriteMeetingWithOneBadRow()
    {
        var facts = Path.Combine(_dir, "facts.xlsx");
        LedgerFiles.WriteXlsx(facts, "台账", LedgerFiles.FactHeaders,
        [
            Row("2025-03-01", _members[0], "合理化建议", text: "建议一"),                 // 2
            Row("2025-03-02", _members[1], "合理化建议", text: "建议二"),                 // 3
            Row("2025-06-15", _members[0], "党员大会", status: "出席", text: "年中大会"),   // 4
            Row("2025-06-15", _members[1], "党员大会", status: "出差", text: "年中大会"),   // 5: no such status
            Row("2025-06-15", _members[2], "党员大会", status: "请假", text: "年中大会"),   // 6
        ]);
        return facts;
    }

    [Fact]
    public async Task the_rejects_file_keeps_the_original_row_number_and_cites_its_own_rows()
    {
        // #19 problem 5: the rejects file said "row 5 of the same meeting is invalid" in a file of four rows.
        await EnrolAsync();
        var facts = WriteMeetingWithOneBadRow();

        var run = await Cli.RunAsync(["import", facts, .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        var rejectsFile = Path.Combine(_dir, "facts.rejects.xlsx");
        var sheet = Spreadsheet.Read(rejectsFile).Single(s => s.SheetName == "台账");
        Assert.Equal("原行号", sheet.Rows[0].Cells[0]);
        var rejects = when_a_year_of_ledgers_is_imported.Table(sheet);
        Assert.Equal(new[] { "4", "5", "6" }, rejects.Select(r => r["原行号"]));
        Assert.Equal(new[] { 2, 3, 4 }, sheet.Rows.Skip(1).Select(r => r.Number));
        Assert.Equal("出差", rejects[1]["出勤"]); // row 3 of the rejects file is the bad one...
        Assert.Contains("同一会议的第 3 行（原行号 5）有错误", rejects[0]["原因"]); // ...and the reasons say so
        Assert.Contains("row 3 (original row 5) of the same meeting is invalid", rejects[2]["原因"]);

        // Fixed where it stands, the rejects file imports as it is (原行号 and 原因 are read past).
        var fixedRows = rejects.Select(r => LedgerFiles.FactHeaders.Select(h => r[h]).Append(r["原行号"]).Append(r["原因"]).ToArray()).ToList();
        fixedRows[1][6] = "出席";
        LedgerFiles.WriteXlsx(rejectsFile, "台账", [.. LedgerFiles.FactHeaders, "原行号", "原因"], fixedRows);
        var again = await Cli.RunAsync(["import", rejectsFile, .. Store]);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("imported: 3 new (1 facts), 0 already recorded, 0 rejected", again.Output);
    }

    [Fact]
    public async Task a_dry_run_prints_its_summary_on_stdout_like_the_real_run_and_its_problems_on_stderr()
    {
        // #19 problem 5: the dry run's summary went to stderr, the real run's to stdout.
        await EnrolAsync();
        var facts = WriteMeetingWithOneBadRow();

        var dry = await Cli.RunAsync(["import", facts, "--dry-run", .. Store]);
        var real = await Cli.RunAsync(["import", facts, .. Store]);

        Assert.True(dry.Exit == 1, dry.ToString());
        Assert.Contains("dry run, nothing written: 2 new (2 facts), 0 already recorded, 3 rejected.", dry.Output);
        Assert.Contains("imported: 2 new (2 facts), 0 already recorded, 3 rejected.", real.Output);
        foreach (var run in new[] { dry, real })
        {
            Assert.Contains("facts.xlsx[台账] 第 5 行 row 5 列 column 出勤:", run.Errors);
            Assert.DoesNotContain("第 5 行", run.Output);
        }
    }

    [Fact]
    public async Task cells_merged_down_a_meeting_are_filled_down_and_an_unreadable_merge_rejects_its_block_whole()
    {
        // #19 problem 4: 日期/类型/说明 merged over a meeting's rows (a paper-style 台账): rows 3–5 were refused
        // ("日期" must not be empty) while row 2 was recorded as a meeting of one member.
        await EnrolAsync();
        var file = Path.Combine(_dir, "merged.xlsx");
        string[] statuses = ["出席", "请假", "出席", "迟到"];
        var rows = "<row r=\"1\">" + string.Concat(LedgerFiles.FactHeaders.Select((h, i) => Cell(XlsxFile.ColumnName(i) + "1", h))) + "</row>";
        for (var r = 2; r <= 5; r++)
            rows += $"<row r=\"{r}\">" + (r == 2 ? Cell("A2", "2025-06-01") : "")
                + Cell($"B{r}", _members[r - 2].Id) + Cell($"C{r}", _members[r - 2].Name) + (r == 2 ? Cell("F2", "党员大会") : "") + Cell($"G{r}", statuses[r - 2])
                + (r == 2 ? Cell("K2", "年中党员大会") : "") + "</row>";
        // A second meeting whose date merge has an empty top-left cell and its text below it: it cannot be told.
        for (var r = 6; r <= 8; r++)
            rows += $"<row r=\"{r}\">" + (r == 7 ? Cell("A7", "2025-07-01") : "")
                + Cell($"B{r}", _members[r - 6].Id) + Cell($"C{r}", _members[r - 6].Name) + (r == 6 ? Cell("F6", "党课") : "") + Cell($"G{r}", "出席")
                + (r == 6 ? Cell("K6", "七月党课") : "") + "</row>";
        Write(file, w => w.Write(rows),
            afterSheetData: "<mergeCells count=\"6\"><mergeCell ref=\"A2:A5\"/><mergeCell ref=\"F2:F5\"/><mergeCell ref=\"K2:K5\"/>"
                + "<mergeCell ref=\"A6:A8\"/><mergeCell ref=\"F6:F8\"/><mergeCell ref=\"K6:K8\"/></mergeCells>");

        var run = await Cli.RunAsync(["import", file, .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.True(run.Output.Contains("imported: 4 new (1 facts), 0 already recorded, 3 rejected", StringComparison.Ordinal), run.ToString());
        var meeting = (await when_a_ledger_has_mistakes.RecordedFactsAsync(Database)).OfType<MeetingHeld>().Single();
        Assert.Equal((new DateOnly(2025, 6, 1), "年中党员大会", 4), (meeting.OccurredOn, meeting.Topic, meeting.Attendance.Count));
        foreach (var r in new[] { 6, 7, 8 })
            Assert.Contains($"第 {r} 行 row {r} 列 column 日期: 合并单元格 A6:A8 无法读取", run.Errors);
    }

    [Fact]
    public async Task the_template_offers_drop_down_lists_for_kinds_statuses_and_levels()
    {
        // #19: the template had no drop-down lists, so kinds, statuses and levels were typed free-hand.
        var run = await Cli.RunAsync("import", "template", "--out", _dir);
        Assert.True(run.Exit == 0, run.ToString());

        var facts = DropDowns(Path.Combine(_dir, "积分台账.xlsx"));
        Assert.Equal(new[] { "F2:F1048576", "G2:G1048576", "H2:H1048576", "I2:I1048576" }, facts.Keys.Order());
        foreach (var kind in new[] { "支委会", "党员大会", "党小组会", "党课", "主题党日", "组织生活会", "合理化建议", "金点子", "志愿服务", "加分", "扣分" })
            Assert.Contains(kind, facts["F2:F1048576"]);
        Assert.All(new[] { "出席", "请假", "缺席", "迟到" }, s => Assert.Contains(s, facts["G2:G1048576"]));
        Assert.All(new[] { "一般", "有价值", "重要价值", "采纳", "一等奖", "二等奖", "三等奖", "鼓励奖" }, s => Assert.Contains(s, facts["I2:I1048576"]));
        var roster = DropDowns(Path.Combine(_dir, "党员名册.xlsx"));
        Assert.Contains("预备党员", roster["I2:I1048576"]);
        Assert.Contains("离退休", roster["J2:J1048576"]);
    }

    /// The list validations of a workbook's first sheet: range → list formula.
    private static Dictionary<string, string> DropDowns(string path)
    {
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(path, isEditable: false);
        var workbook = document.WorkbookPart!;
        var first = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().First();
        var part = (DocumentFormat.OpenXml.Packaging.WorksheetPart)workbook.GetPartById(first.Id!.Value!);
        return part.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.DataValidation>()
            .Where(v => v.Type?.Value == DocumentFormat.OpenXml.Spreadsheet.DataValidationValues.List)
            .ToDictionary(v => v.SequenceOfReferences!.InnerText ?? "", v => v.Formula1!.Text ?? "");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
