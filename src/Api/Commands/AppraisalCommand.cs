using System.CommandLine;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Commands;

/// `pointsengine appraisal --year 2025 --branch b01 [--format xlsx|pdf] [--out 年终考核-b01-2025.xlsx]`: the year-end
/// appraisal of a branch as the documents a committee signs (#21) — a workbook laid out for printing
/// (AppraisalWorkbook) or a PDF (PrintDocuments through PdfPrinter) — from the read models brought up to date.
public static class AppraisalCommand
{
    public const string Name = "appraisal";

    public static Command Create(CliConsole console)
    {
        var year = new Option<int>("--year") { Description = "考核年度 / the year appraised", Required = true };
        year.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1900 or > 9999) r.AddError("--year 须在 1900–9999 / --year must lie in 1900–9999"); });
        var branch = new Option<string>("--branch") { Description = "支部编号 / the branch id", Required = true };
        var output = new Option<string?>("--out")
        {
            Description = "输出文件（默认 年终考核-支部-年度.xlsx 或 .pdf） / the file to write (default 年终考核-BRANCH-YEAR.xlsx or .pdf)",
            HelpName = "file",
        };
        var format = new Option<string?>("--format")
        {
            Description = "xlsx（工作簿，默认）或 pdf（需 Chromium 与中文字体） / xlsx (workbook, the default) or pdf (needs Chromium and a CJK font)",
            HelpName = "xlsx|pdf",
        };
        format.AcceptOnlyFromAmong("xlsx", "pdf");
        var store = new StoreOptions();
        var command = new Command(Name,
            "生成年终考核工作簿：汇总（排名、等次、先锋岗）与每名党员的台账 / write the year-end appraisal workbook: a summary (ranking, grades, vanguard posts) and each member's ledger")
        {
            year, branch, format, output,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            var y = parse.GetValue(year);
            BranchId b;
            try { b = new BranchId(parse.GetValue(branch)!); }
            catch (ArgumentException) { throw new UsageException("--branch 不是有效的支部编号。", "--branch is not a valid branch id."); }
            var asked = parse.GetValue(format);
            var pdf = asked == "pdf" || (asked is null && parse.GetValue(output) is { } named && Path.GetExtension(named).Equals(".pdf", StringComparison.OrdinalIgnoreCase));
            var file = parse.GetValue(output) ?? $"年终考核-{b.Value}-{y}.{(pdf ? "pdf" : "xlsx")}";
            if (pdf && !Path.GetExtension(file).Equals(".pdf", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--format pdf 的输出文件须以 .pdf 结尾（{file}）。", $"With --format pdf the output file ends in .pdf ({file}).");
            if (!pdf && Spreadsheet.FormatOf(file) != SpreadsheetFormat.Xlsx)
                throw new UsageException("考核工作簿须为 .xlsx（多个工作表）；PDF 请用 --format pdf。", "The appraisal workbook is an .xlsx file (several sheets); for a PDF use --format pdf.");
            if (pdf)
            {
                try { PdfPrinter.CheckReady(); }
                catch (PrintUnavailableException e) { throw new UsageException(e.Zh, e.En); }
            }

            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            if (!(await session.Directory.CatchUpAsync(ct).ConfigureAwait(false)).Branches.ContainsKey(b))
            {
                console.Say($"支部 {b} 不存在。", $"Branch {b} is not registered.");
                return ExitCodes.Problems;
            }
            var report = await console.WithProgressAsync(async board =>
            {
                await session.CatchUpAsync(board, ct).ConfigureAwait(false);
                return await session.ReadModels.BranchEvidenceAsync(b, y, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var today = DateOnly.FromDateTime(DateTime.Now);
            if (pdf)
            {
                if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
                byte[] bytes;
                try { bytes = await PdfPrinter.PrintAsync(PrintDocuments.Appraisal(AppraisalDocument.Of(report, today)), ct).ConfigureAwait(false); }
                catch (PrintUnavailableException e)
                {
                    console.Say(e.Zh, e.En);
                    return ExitCodes.Problems;
                }
                await File.WriteAllBytesAsync(file, bytes, ct).ConfigureAwait(false);
            }
            else Spreadsheet.Write(file, AppraisalWorkbook.Build(report, today));
            var vanguards = report.Members.Count(m => m.Appraisal is { Vanguard: true });
            console.Out.WriteLine($"已生成 {file}：{report.Members.Count} 名党员，先锋岗 {vanguards} 名，规则版本 {report.RuleSetVersion ?? "（无）"}");
            console.Out.WriteLine($"wrote {file}: {report.Members.Count} members, {vanguards} vanguard post(s), rule set {report.RuleSetVersion ?? "(none)"}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
