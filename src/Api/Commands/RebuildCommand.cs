using System.CommandLine;
using System.Diagnostics;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;

namespace PointsEngine.Api.Commands;

/// `pointsengine rebuild [--projection standings|activity]`: rebuilds the read models from the whole log into
/// a new generation of tables while the current one keeps answering (a running serve is not interrupted),
/// then switches in one transaction (docs/PROJECTIONS.md).
public static class RebuildCommand
{
    public const string Name = "rebuild";

    public static Command Create(CliConsole console)
    {
        var projection = new Option<string[]>("--projection")
        {
            Description = "只重建这些读模型（standings、activity；默认全部） / rebuild only these read models (standings, activity; default: all)",
            AllowMultipleArgumentsPerToken = true,
        };
        var store = new StoreOptions();
        var command = new Command(Name, "从事件日志重建读模型（显示进度） / rebuild the read models from the event log, with progress") { projection };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            var known = ReadModels.Projections(session.Serializer).Select(p => p.Name).ToList();
            var chosen = parse.GetValue(projection) is { Length: > 0 } names ? names : [.. known];
            if (chosen.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
                throw new UsageException($"没有名为 {unknown} 的读模型（可选 {string.Join("、", known)}）。", $"No read model named {unknown} (use {string.Join(", ", known)}).");

            var clock = Stopwatch.StartNew();
            var events = await console.WithProgressAsync(async board =>
            {
                await using var runner = new ProjectionRunner(session.Store, session.Serializer, ReadModels.Projections(session.Serializer));
                await runner.InitializeAsync(null, ct).ConfigureAwait(false);
                long total = 0;
                foreach (var name in chosen)
                {
                    var bar = board.Start($"重建 rebuild {name}", 1);
                    RebuildProgress? last = null;
                    await runner.RebuildAsync(name, new SynchronousProgress<RebuildProgress>(p =>
                    {
                        last = p;
                        bar.Set(p.Position.Value, p.Head.Value);
                    }), ct).ConfigureAwait(false);
                    bar.Complete();
                    total += last?.Events ?? 0;
                    console.Say($"已重建 {name}：{last?.Events ?? 0} 个事件，至日志位置 {last?.Position.Value ?? 0}",
                        $"rebuilt {name}: {last?.Events ?? 0} events, up to log position {last?.Position.Value ?? 0}");
                }
                return total;
            }).ConfigureAwait(false);
            console.Out.WriteLine($"重建完成 / rebuilt {string.Join(", ", chosen)}: {events} events in {clock.Elapsed.TotalSeconds:0.0} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
