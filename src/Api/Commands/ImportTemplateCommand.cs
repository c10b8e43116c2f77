using System.CommandLine;
using PointsEngine.Api.Importing;
using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Commands;

/// `pointsengine import template [--out DIR]`: empty import files with the documented Chinese headers —
/// 党员名册.xlsx/.csv and 积分台账.xlsx/.csv; each workbook also carries a 填写说明 sheet describing the columns.
public static class ImportTemplateCommand
{
    public const string RosterName = "党员名册";
    public const string FactsName = "积分台账";
    public const string GridName = "积分台账-网格";

    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out")
        {
            Description = "模板输出目录（默认当前目录） / where to write the templates (default: the current directory)",
            DefaultValueFactory = _ => ".",
            HelpName = "dir",
        };
        var command = new Command("template", "生成带中文表头的导入模板（.xlsx 与 .csv） / write import templates with the Chinese headers (.xlsx and .csv)")
        {
            output,
        };
        command.SetRun(console, (parse, _) =>
        {
            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            foreach (var (name, columns) in new[] { (RosterName, RosterColumns.All), (FactsName, FactColumns.All) })
            {
                var headers = columns.Select(c => c.Header).ToList();
                var instructions = new OutputSheet("填写说明", ["列 column", "必填 required", "说明", "description", "也可写作 aliases"],
                    [.. columns.Select(c => (IReadOnlyList<object?>)[c.Header, c.Required ? "是 yes" : "否 no", c.Zh, c.En, string.Join("、", c.Aliases)])]);
                var xlsx = Path.Combine(dir, name + ".xlsx");
                var csv = Path.Combine(dir, name + ".csv");
                var choices = columns.Select((c, i) => (c, i)).Where(x => x.c.Choices.Count > 0).ToDictionary(x => x.i, x => x.c.Choices);
                Spreadsheet.Write(xlsx, [new OutputSheet(name, headers, []) { Choices = choices }, instructions]);
                Spreadsheet.Write(csv, [new OutputSheet(name, headers, [])]);
                console.Out.WriteLine(xlsx);
                console.Out.WriteLine(csv);
            }
            WriteGrid(console, dir);
            console.Say("模板已生成；各列含义见 docs/IMPORT.md 或工作簿中的“填写说明”。", "templates written; the columns are described in docs/IMPORT.md and on each workbook's 填写说明 sheet.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// The grid layout (GridLayout): 日期/类型/说明/形式 labelled in column B above the member header row; a secretary
    /// adds a column per meeting from C on (after 支部) and marks each member's attendance in it.
    private static void WriteGrid(CliConsole console, string dir)
    {
        var instructions = new OutputSheet("填写说明", ["行或列 row or column", "说明", "description"],
        [
            ["日期 / 类型 / 说明 / 形式", "每场会议占一列（从 D 列起），在这几行填写会议日期、类型、主题、形式（形式可空，默认现场）",
                "one column per meeting (from column D): its date, kind, topic and mode (mode optional, default in person) in these rows"],
            ["党员编号 / 姓名 / 支部", "每位党员一行；党员编号或姓名至少填一项，支部可空", "one row per member; 党员编号 or 姓名 at least, 支部 optional"],
            ["出勤 marks", $"出席 / 请假 / 缺席 / 迟到，或 {string.Join(" ", GridLayout.Marks.Keys)}；空白表示未参加该会议（不记录）",
                $"出席 / 请假 / 缺席 / 迟到 or the marks {string.Join(" ", GridLayout.Marks.Keys)}; an empty cell records nothing for that member"],
        ]);
        var xlsx = Path.Combine(dir, GridName + ".xlsx");
        var csv = Path.Combine(dir, GridName + ".csv");
        IReadOnlyList<string> headers = ["", FactColumns.Date.Header];
        IReadOnlyList<IReadOnlyList<object?>> rows =
        [
            ["", FactColumns.Type.Header], ["", FactColumns.Text.Header], ["", FactColumns.Mode.Header],
            [FactColumns.MemberId.Header, FactColumns.Name.Header, FactColumns.Branch.Header],
        ];
        Spreadsheet.Write(xlsx, [new OutputSheet(GridName, headers, rows), instructions]);
        Spreadsheet.Write(csv, [new OutputSheet(GridName, headers, rows)]);
        console.Out.WriteLine(xlsx);
        console.Out.WriteLine(csv);
    }
}
