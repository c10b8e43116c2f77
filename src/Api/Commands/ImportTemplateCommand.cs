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
            console.Say("模板已生成；各列含义见 docs/IMPORT.md 或工作簿中的“填写说明”。", "templates written; the columns are described in docs/IMPORT.md and on each workbook's 填写说明 sheet.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
