using System.CommandLine;
using System.Text;
using PointsEngine.Api.Importing;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Simulation;
using PointsEngine.Store;

namespace PointsEngine.Api.Commands;

/// `pointsengine rules validate|simulate|publish|default`: the API's rule-set operations offline (docs/RULES.md).
public static class RulesCommand
{
    public const string Name = "rules";

    public static Command Create(CliConsole console) => new(Name, "积分规则：校验、发布、输出通用模板 / rule sets: validate, publish, print the shipped template")
    {
        Validate(console), Simulate(console), Publish(console), Default(console),
    };

    private static Argument<string> DocumentArgument() => new("file") { Description = "规则文档（JSON） / the rule-set document (JSON)" };

    private static string ReadDocument(string file) => File.Exists(file)
        ? File.ReadAllText(file, Encoding.UTF8)
        : throw new UsageException($"文件不存在：{file}", $"No such file: {file}");

    private static bool Report(CliConsole console, string text, out Domain.Rules.RuleSet? set)
    {
        var (parsed, problems) = RuleSetDocument.Validate(text);
        set = parsed;
        foreach (var p in problems) console.Out.WriteLine($"  {p.Path}: {p.Chinese} / {p.English}");
        if (parsed is null)
        {
            console.Out.WriteLine($"规则文档无效：{problems.Count} 处问题 / the rule set is invalid: {problems.Count} problem(s)");
            return false;
        }
        console.Out.WriteLine($"规则文档有效：版本 {parsed.Version}，自 {parsed.EffectiveFrom:yyyy-MM-dd} 起生效 / valid: version {parsed.Version}, in force from {parsed.EffectiveFrom:yyyy-MM-dd}");
        return true;
    }

    private static Command Validate(CliConsole console)
    {
        var file = DocumentArgument();
        var command = new Command("validate", "校验规则文档，列出每处问题（不需要数据库） / validate a rule-set document and list every problem (no store needed)") { file };
        command.SetRun(console, (parse, _) =>
            Task.FromResult(Report(console, ReadDocument(parse.GetValue(file)!), out Domain.Rules.RuleSet? _) ? ExitCodes.Ok : ExitCodes.Problems));
        return command;
    }

    private static Command Simulate(CliConsole console)
    {
        var file = DocumentArgument();
        var year = new Option<int>("--year") { Description = "模拟的年度 / the year to simulate", Required = true, HelpName = "yyyy" };
        var all = new Option<bool>("--all") { Description = "列出每名党员，而不只是积分变化的党员 / list every member, not only those whose total changes" };
        var store = new StoreOptions();
        var command = new Command("simulate",
            "假如现在发布该规则文档：每名党员的年度总分和支部排名会怎样变化（不写入任何内容） / if this rule set were published now: how every member's year total and branch rank would change (writes nothing)")
        {
            file, year, all,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            var (draft, problems) = RuleSimulation.Draft(ReadDocument(parse.GetValue(file)!));
            if (draft is null)
            {
                foreach (var p in problems) console.Out.WriteLine($"  {p.Path}: {p.Chinese} / {p.English}");
                console.Out.WriteLine($"规则文档无效：{problems.Count} 处问题 / the rule set is invalid: {problems.Count} problem(s)");
                return ExitCodes.Problems;
            }
            var y = parse.GetValue(year);
            if (y is < 1900 or > 9999) throw new UsageException($"--year 超出范围：{y}", $"--year is out of range: {y}");
            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            var result = await RuleSimulation.RunAsync(session.Store, session.Serializer, draft, y, ct).ConfigureAwait(false);

            var ranks = result.Rankings.Where(r => r.Scope == Projections.Queries.RankingScope.Branch)
                .SelectMany(r => r.Rows.Select(row => (r.ScopeId, row))).ToLookup(x => x.row.Member, x => x.row);
            console.Out.WriteLine($"规则 {result.DraftVersion}（{result.EffectiveFrom:yyyy-MM-dd} 起）模拟 {result.Year} 年度，读至日志位置 {result.ReadUpTo}：" +
                $"{result.MembersChanged} 名党员积分变化 / draft {result.DraftVersion} from {result.EffectiveFrom:yyyy-MM-dd}, year {result.Year}, " +
                $"read up to log position {result.ReadUpTo}: {result.MembersChanged} member(s) change");
            console.Out.WriteLine("党员编号\t姓名\t支部\t现总分\t模拟总分\t变化\t支部名次（现→模拟） / member, name, branch, current, simulated, change, branch rank (now → simulated)");
            foreach (var m in result.Members.Where(m => parse.GetValue(all) || m.Change != 0))
            {
                var rank = ranks[m.Member].FirstOrDefault();
                console.Out.WriteLine(string.Join('\t', m.Member.Value, m.Name ?? "", m.Branch?.Value ?? "",
                    Num(m.Current), Num(m.Simulated), (m.Change > 0 ? "+" : "") + Num(m.Change),
                    rank is null ? "" : $"{rank.CurrentRank}→{rank.SimulatedRank}"));
            }
            console.Out.WriteLine("未写入任何内容 / nothing was written");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Num(decimal value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static Command Publish(CliConsole console)
    {
        var file = DocumentArgument();
        var publishedOn = new Option<DateOnly?>("--published-on")
        {
            Description = "发布日期（默认为文档的生效日期） / the publication date (default: the document's effectiveFrom)",
            HelpName = "yyyy-MM-dd",
        };
        var recorder = PointsEngineCli.OperatorOption();
        var noScoring = new Option<bool>("--no-scoring")
        {
            Description = "不在本进程计分（serve 正在为同一数据库计分时） / do not score here (when serve scores this store)",
        };
        var store = new StoreOptions();
        var command = new Command("publish",
            "校验并发布规则文档；同一文件重复发布不会重复记录；追溯生效的规则会产生更正记录 / validate and publish a rule set; publishing the same file again records nothing; a back-dated one produces corrections")
        {
            file, publishedOn, recorder, noScoring,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            var text = ReadDocument(parse.GetValue(file)!);
            if (!Report(console, text, out var set)) return ExitCodes.Problems;
            var on = parse.GetValue(publishedOn) ?? set!.EffectiveFrom;
            // The id comes from the document and the date, so publishing the same file again is a no-op.
            var fact = new RuleSetPublished(ImportIds.For("rule-set", on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), text),
                on, set!.Version, set.EffectiveFrom, text);

            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: true, ct).ConfigureAwait(false);
            var score = !parse.GetValue(noScoring);
            if (score) await session.StartScoringAsync(ct).ConfigureAwait(false);
            var snapshot = await session.Directory.CatchUpAsync(FactStreams.Rules, ct).ConfigureAwait(false);
            if (snapshot.Facts.ContainsKey(fact.FactId))
            {
                console.Out.WriteLine($"该规则文档已发布（{fact.FactId}），未写入任何内容 / this document is already published ({fact.FactId}); nothing written");
                return ExitCodes.Ok;
            }
            var expected = snapshot.RevisionOf(FactStreams.Rules) is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
            await session.Store.AppendToStreamAsync(FactStreams.Rules, expected, [session.Recorder.EventDataOf(fact, parse.GetValue(recorder)!)], ct)
                .ConfigureAwait(false);
            if (score) await console.WithProgressAsync(async board => { await session.CatchUpAsync(board, ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            console.Out.WriteLine($"已发布规则 {set.Version}（{fact.FactId}） / published rule set {set.Version} ({fact.FactId})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Default(CliConsole console)
    {
        var command = new Command("default", "输出随程序提供的通用规则模板（JSON） / print the shipped default rule set (JSON), a template");
        command.SetRun(console, (_, _) =>
        {
            console.Out.WriteLine(RuleSetDocument.DefaultDocument());
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
