using System.CommandLine;
using System.Text;
using PointsEngine.Api.Importing;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Commands;

/// `pointsengine rules validate|publish|default`: the API's rule-set operations offline (docs/RULES.md).
/// Simulation is not here yet: it arrives with the reusable simulation core of the query API.
public static class RulesCommand
{
    public const string Name = "rules";

    public static Command Create(CliConsole console) => new(Name, "积分规则：校验、发布、输出通用模板 / rule sets: validate, publish, print the shipped template")
    {
        Validate(console), Publish(console), Default(console),
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
