using System.CommandLine;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Commands;

/// `pointsengine export standings|rankings|evidence --year 2025 [--branch b01 | --group g1 | --zone z1]
/// [--quarter 1-4 | --month 1-12] --out FILE.xlsx|.csv`: the read models, brought up to the log's head first,
/// as a workbook or CSV file with Chinese headers.
public static class ExportCommand
{
    public const string Name = "export";

    public static Command Create(CliConsole console)
    {
        var what = new Argument<string>("what")
        {
            Description = "standings（我的积分：总分、分类、排名） / rankings（排名） / evidence（台账：逐条记分及其事实、规则、记录人）",
        };
        what.AcceptOnlyFromAmong("standings", "rankings", "evidence");
        var year = new Option<int>("--year") { Description = "年度，如 2025 / the year, e.g. 2025", Required = true };
        year.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1900 or > 9999) r.AddError("--year 须在 1900–9999 / --year must lie in 1900–9999"); });
        var branch = new Option<string?>("--branch") { Description = "只导出该支部（默认全部） / only this branch (default: the whole organisation)" };
        var group = new Option<string?>("--group") { Description = "rankings/standings：只含该党小组 / rankings, standings: only this party group" };
        var zone = new Option<string?>("--zone") { Description = "rankings/standings：只含该网络区 / rankings, standings: only this network zone" };
        var quarter = new Option<int?>("--quarter") { Description = "rankings：某季度 1–4（默认全年） / rankings: a quarter 1–4 (default: the year)" };
        var month = new Option<int?>("--month") { Description = "rankings：某月 1–12（默认全年） / rankings: a month 1–12 (default: the year)" };
        var output = new Option<string>("--out") { Description = "输出文件 .xlsx 或 .csv / the output file, .xlsx or .csv", Required = true, HelpName = "file" };
        var store = new StoreOptions();
        var command = new Command(Name, "导出积分、排名或台账到 .xlsx / .csv / export standings, rankings or evidence to .xlsx / .csv")
        {
            what, year, branch, group, zone, quarter, month, output,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            var file = parse.GetValue(output)!;
            Spreadsheet.FormatOf(file);
            var y = parse.GetValue(year);
            var period = (parse.GetValue(quarter), parse.GetValue(month)) switch
            {
                ({ } _, { } _) => throw new UsageException("--quarter 与 --month 只能选一个。", "Give --quarter or --month, not both."),
                ({ } q, null) when q is >= 1 and <= 4 => Period.QuarterOf(y, q),
                (null, { } m) when m is >= 1 and <= 12 => Period.MonthOf(y, m),
                (null, null) => Period.YearOf(y),
                _ => throw new UsageException("--quarter 须为 1–4，--month 须为 1–12。", "--quarter is 1–4 and --month 1–12."),
            };
            var (scope, scopeId) = (parse.GetValue(branch), parse.GetValue(group), parse.GetValue(zone)) switch
            {
                (null, null, null) => (RankingScope.Organisation, (string?)null),
                ({ } b, null, null) => (RankingScope.Branch, b),
                (null, { } g, null) => (RankingScope.PartyGroup, g),
                (null, null, { } z) => (RankingScope.Zone, z),
                _ => throw new UsageException("--branch、--group、--zone 只能选一个。", "Give one of --branch, --group, --zone."),
            };
            var kind = parse.GetValue(what)!;
            if (kind == "evidence" && scope is RankingScope.PartyGroup or RankingScope.Zone)
                throw new UsageException("evidence 按支部导出：请用 --branch 或不加范围。", "evidence is exported by branch: use --branch or no scope.");

            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            var sheet = await console.WithProgressAsync(async board =>
            {
                await session.CatchUpAsync(board, ct).ConfigureAwait(false);
                var ranking = await RankAllAsync(session.ReadModels, new RankingQuery(scope, scopeId, period.Start, period.End), ct).ConfigureAwait(false);
                switch (kind)
                {
                    case "rankings":
                        return ReportTables.Rankings("排名", ranking);
                    case "standings":
                    {
                        var bar = board.Start("积分 standings", ranking.Count);
                        var standings = new List<MemberStanding>();
                        foreach (var row in ranking.OrderBy(r => r.Member.Value, StringComparer.Ordinal))
                        {
                            if (await session.ReadModels.StandingAsync(row.Member, y, null, ct).ConfigureAwait(false) is { } s) standings.Add(s);
                            bar.Increment();
                        }
                        return ReportTables.Standings("积分", standings);
                    }
                    default:
                    {
                        var branches = scopeId is not null ? [new BranchId(scopeId)]
                            : (await session.Directory.CatchUpAsync(ct).ConfigureAwait(false)).Branches.Keys.OrderBy(b => b.Value, StringComparer.Ordinal).ToList();
                        var members = new List<MemberEvidence>();
                        foreach (var b in branches)
                            members.AddRange((await session.ReadModels.BranchEvidenceAsync(b, y, ct).ConfigureAwait(false)).Members);
                        return ReportTables.Evidence("台账", members);
                    }
                }
            }).ConfigureAwait(false);
            Spreadsheet.Write(file, [sheet]);
            console.Out.WriteLine($"已导出 {sheet.Rows.Count} 行到 {file} / exported {sheet.Rows.Count} rows to {file}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<List<RankingRow>> RankAllAsync(ReadModels models, RankingQuery query, CancellationToken ct)
    {
        var rows = new List<RankingRow>();
        for (var page = 1; ; page++)
        {
            var ranking = await models.RankingAsync(query with { Page = page, PageSize = 10_000 }, ct).ConfigureAwait(false);
            rows.AddRange(ranking.Rows);
            if (rows.Count >= ranking.Members || ranking.Rows.Count == 0) return rows;
        }
    }
}
