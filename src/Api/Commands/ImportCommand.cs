using System.CommandLine;
using PointsEngine.Api.Importing;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Store;

namespace PointsEngine.Api.Commands;

/// `pointsengine import FILE… [--dry-run] [--operator 张三] [--rejects DIR] [--no-scoring]`: brings a roster
/// (党员名册) and ledgers of facts (积分台账) from .xlsx or .csv into the store (layout: docs/IMPORT.md).
/// Every row is checked first; a dry run only reports. A real run writes the valid rows once each (ids
/// derived from each row's natural key: importing the file again writes nothing), writes the rejected rows
/// with their reasons to FILE.rejects.xlsx/.csv, and waits until the points are scored and visible.
public static class ImportCommand
{
    public const string Name = "import";

    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "党员名册和积分台账文件（.xlsx 或 .csv，可多个；名册总是先导入） / roster and ledger files (.xlsx or .csv, several allowed; the roster is imported first)",
            Arity = ArgumentArity.OneOrMore,
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "只检查并列出每个问题（文件、行、列、原因），不写入任何内容 / check and list every problem (file, row, column, reason); write nothing",
        };
        var recorder = PointsEngineCli.OperatorOption();
        var rejects = new Option<string?>("--rejects")
        {
            Description = "被拒绝行的输出目录（默认与输入文件相同目录，文件名加 .rejects） / directory for the rejected rows (default: beside each input, named *.rejects.xlsx/.csv)",
            HelpName = "dir",
        };
        var amend = new Option<bool>("--amend")
        {
            Description = "同一条记录已登记但内容不同时，作为更正导入（原记录撤销、本行登记，一次完成）；不加时只列出将更正什么 / a row recorded before with other content is imported as its correction (the recorded one revoked, the row recorded, at once); without it such rows are only listed",
        };
        var noScoring = new Option<bool>("--no-scoring")
        {
            Description = "只写入不计分：另一个进程（serve）正在为同一数据库计分时使用 / record only: use when another process (serve) scores this store",
        };
        var store = new StoreOptions();
        var command = new Command(Name,
            "导入党员名册与积分台账（.xlsx/.csv），幂等：重复导入不会重复记录 / import a roster and ledgers of facts (.xlsx/.csv), idempotently")
        {
            files, dryRun, recorder, rejects, noScoring, amend,
        };
        store.AddTo(command);
        command.Add(ImportTemplateCommand.Create(console));
        command.SetRun(console, async (parse, ct) =>
        {
            var settings = store.Resolve(parse);
            var who = parse.GetValue(recorder)!;
            if (string.IsNullOrWhiteSpace(who)) throw new UsageException("--operator 不能为空。", "--operator must not be empty.");
            return await RunAsync(console, settings, [.. parse.GetValue(files)!], parse.GetValue(dryRun), who.Trim(),
                parse.GetValue(rejects), !parse.GetValue(noScoring), parse.GetValue(amend), ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, Hosting.StoreSettings settings, IReadOnlyList<string> files, bool dryRun,
        string recordedBy, string? rejectsDirectory, bool score, bool amend, CancellationToken ct)
    {
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new UsageException($"文件不存在：{file}", $"No such file: {file}");
            Spreadsheet.FormatOf(file);
        }

        var limits = SpreadsheetLimits.From(StoreOptions.Configuration());
        var sheetProblems = new List<ImportProblem>();
        var sheets = new List<(LedgerSource Source, IReadOnlyList<LedgerRow> Rows)>();
        foreach (var file in files)
        {
            foreach (var table in Spreadsheet.Read(file, limits))
            {
                var (source, rows, problems) = LedgerLayout.Read(file, table, limits);
                sheetProblems.AddRange(problems);
                if (source is null) continue;
                sheets.Add((source, rows));
                console.Out.WriteLine(source.IsGrid
                    ? $"{source.Where}: 积分台账（网格）facts (grid), {rows.Count} 个出勤单元格 attendance cells"
                    : $"{source.Where}: {(source.Kind == LedgerKind.Roster ? "党员名册 roster" : "积分台账 facts")}, {rows.Count} 行 rows");
            }
        }

        var session = dryRun && settings.Provider == "sqlite" && !File.Exists(settings.Path)
            ? null // a dry run against a database not created yet: check against an empty organisation, create nothing
            : await CliSession.OpenAsync(settings, create: !dryRun, ct).ConfigureAwait(false);
        await using var _ = session;
        if (session is not null && !dryRun && score) await session.StartScoringAsync(ct).ConfigureAwait(false);

        var total = sheets.Sum(s => s.Rows.Count);
        var today = DateOnly.FromDateTime(DateTime.Now);
        return await console.WithProgressAsync(async board =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = session is null ? OrganisationSnapshot.Empty : await session.Directory.CatchUpAsync(ct).ConfigureAwait(false);
                var serializer = session?.Serializer ?? Engine.Scoring.DomainSerializer.Create();
                var checking = board.Start("检查 checking", total);
                var planner = new ImportPlanner(snapshot, new RecordedFacts(session?.Store, serializer), serializer, recordedBy, today) { Amend = amend };
                var plan = await planner.PlanAsync(sheets, () => checking.Increment(), ct).ConfigureAwait(false);
                plan.SheetProblems.AddRange(sheetProblems);
                checking.Complete();

                // #19: what is (or, without --amend, would be) corrected, one line each.
                foreach (var line in plan.Amendments)
                    console.Out.WriteLine(dryRun && line.StartsWith("amends ", StringComparison.Ordinal) ? "would amend " + line["amends ".Length..] : line);
                if (dryRun || session is null)
                {
                    Report(console, plan, rejectsFiles: null);
                    // #19 problem 5: the summary on stdout as the real run's is (the problems on stderr).
                    console.Out.WriteLine($"预检完成，未写入任何内容：将新写入 {plan.NewRows} 行（{plan.NewFacts} 个事实），{plan.AlreadyRecorded} 行已登记，{plan.Rejected.Count} 行有错误。");
                    console.Out.WriteLine($"dry run, nothing written: {plan.NewRows} new ({plan.NewFacts} facts), {plan.AlreadyRecorded} already recorded, {plan.Rejected.Count} rejected.");
                    return plan.Problems.Any() ? ExitCodes.Problems : ExitCodes.Ok;
                }

                ImportWriter.Outcome outcome;
                try
                {
                    var writing = board.Start("写入 writing", plan.Organisation.Count + plan.Facts.Count);
                    outcome = await ImportWriter.WriteAsync(session, plan, recordedBy, writing, ct).ConfigureAwait(false);
                    writing.Complete();
                }
                catch (WrongExpectedRevisionException) when (attempt < 3)
                {
                    // Another writer changed the organisation after it was checked; nothing of this chunk was
                    // written. Check again against the organisation as it is now (what is written stays written).
                    console.Say("组织数据在检查后被其他进程修改，重新检查…", "the organisation changed after it was checked; checking again…");
                    continue;
                }

                var rejected = ImportReport.WriteRejects(plan, files, rejectsDirectory);
                Report(console, plan, rejected);
                if (score) await session.CatchUpAsync(board, ct).ConfigureAwait(false);
                var already = plan.AlreadyRecorded + outcome.RacedRows;
                console.Out.WriteLine($"导入完成：新写入 {outcome.NewRows} 行（{outcome.NewFacts} 个事实），{already} 行已登记，{plan.Rejected.Count} 行被拒绝。");
                console.Out.WriteLine($"imported: {outcome.NewRows} new ({outcome.NewFacts} facts), {already} already recorded, {plan.Rejected.Count} rejected.");
                if (!score) console.Say("未计分（--no-scoring）：积分由正在运行的 serve 计算。", "not scored here (--no-scoring): the running serve scores them.");
                return plan.Problems.Any() ? ExitCodes.Problems : ExitCodes.Ok;
            }
        }).ConfigureAwait(false);
    }

    private static void Report(CliConsole console, ImportPlan plan, IReadOnlyList<string>? rejectsFiles)
    {
        var problems = plan.Problems.ToList();
        if (problems.Count > 0)
        {
            console.Error.WriteLine($"问题 {problems.Count} 处 / {problems.Count} problem(s):");
            foreach (var p in problems) console.Error.WriteLine("  " + p);
        }
        foreach (var file in rejectsFiles ?? [])
            console.Out.WriteLine($"被拒绝的行及原因已写入 / rejected rows and reasons written to: {file}");
    }
}
