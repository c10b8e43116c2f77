using System.CommandLine;
using PointsEngine.Api.Verification;
using PointsEngine.Projections.Queries;
using PointsEngine.Store.Chain;

namespace PointsEngine.Api.Commands;

/// `pointsengine verify [--head POSITION:HASH]`: checks that the store is what was written — the hash chain
/// over every event (IChainVerifiable.VerifyChainAsync: edited, deleted or reordered events; with --head, also
/// deleted newest events or a recomputed chain) — and that every read model equals a fold of the log from
/// scratch up to its checkpoint. Exit 0 when both hold, 1 with each difference listed otherwise.
public static class VerifyCommand
{
    public const string Name = "verify";

    public static Command Create(CliConsole console)
    {
        var head = new Option<string?>("--head")
        {
            Description = "上次校验记下的链头（position:hash），可发现删除最新事件或整链重算 / a chain head written down from an earlier verify (position:hash): also catches deleted newest events and a recomputed chain",
            HelpName = "position:hash",
        };
        var store = new StoreOptions();
        var command = new Command(Name,
            "校验事件日志的哈希链，以及读模型与从头重放的结果一致 / verify the event log's hash chain and that the read models equal a replay from scratch")
        {
            head,
        };
        store.AddTo(command);
        command.SetRun(console, async (parse, ct) =>
        {
            ChainHead? expected = null;
            if (parse.GetValue(head) is { } text)
            {
                try { expected = ChainHead.Parse(text); }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new UsageException($"--head 格式应为 position:hash（{e.Message}）", $"--head reads position:hash ({e.Message})");
                }
            }
            await using var session = await CliSession.OpenAsync(store.Resolve(parse), create: false, ct).ConfigureAwait(false);
            var ok = true;
            await console.WithProgressAsync(async board =>
            {
                if (session.Store is IChainVerifiable chain)
                {
                    var total = (await session.Store.ReadHeadPositionAsync(ct).ConfigureAwait(false)).Value;
                    var bar = board.Start("哈希链 chain", total);
                    var report = await chain.VerifyChainAsync(new ChainVerifyOptions { ExpectedHead = expected, Progress = n => bar.Set(n) }, ct).ConfigureAwait(false);
                    bar.Complete();
                    if (report.IsIntact)
                    {
                        console.Out.WriteLine($"哈希链完好：{report.EventsChecked} 个事件{(report.EventsUnsealed > 0 ? $"（{report.EventsUnsealed} 个尚未封存）" : "")}。");
                        console.Out.WriteLine($"chain intact: {report.EventsChecked} events{(report.EventsUnsealed > 0 ? $" ({report.EventsUnsealed} not sealed yet)" : "")}.");
                    }
                    else
                    {
                        ok = false;
                        console.Out.WriteLine($"哈希链损坏：{report.BreaksFound} 处 / chain broken at {report.BreaksFound} place(s):");
                        foreach (var b in report.Breaks) console.Out.WriteLine($"  {b}");
                    }
                    if (report.Head is { } h)
                        console.Out.WriteLine($"链头（请另行记下，下次用 --head 校验） / chain head (write it down elsewhere; give it to --head next time): {h}");
                }
                else
                {
                    console.Say("该存储不支持哈希链校验。", "This store has no hash chain to verify.");
                }

                foreach (var projection in ReadModels.Projections(session.Serializer))
                {
                    var bar = board.Start($"读模型 {projection.Name}", 1);
                    var report = await ReadModelCheck.RunAsync(session.Store, session.Serializer, projection, (at, of) => bar.Set(at, of), ct).ConfigureAwait(false);
                    bar.Complete();
                    if (report is null)
                    {
                        console.Out.WriteLine($"读模型 {projection.Name} 尚未建立（serve 或 rebuild 会建立） / read model {projection.Name} not created yet (serve or rebuild creates it)");
                        continue;
                    }
                    if (report.Differences.Count == 0)
                    {
                        console.Out.WriteLine($"读模型 {projection.Name} 与重放一致（{report.Events} 个事件，至位置 {report.Position.Value}） / read model {projection.Name} equals a replay ({report.Events} events, up to position {report.Position.Value})");
                        continue;
                    }
                    ok = false;
                    foreach (var d in report.Differences)
                    {
                        console.Out.WriteLine($"读模型 {d.Projection}.{d.Table} 与重放不一致：多出 {d.Extra} 行，缺少 {d.Missing} 行 / read model {d.Projection}.{d.Table} differs from a replay: {d.Extra} extra row(s), {d.Missing} missing");
                        foreach (var row in d.ExtraRows) console.Out.WriteLine($"  + {row}");
                        foreach (var row in d.MissingRows) console.Out.WriteLine($"  - {row}");
                    }
                }
                return 0;
            }).ConfigureAwait(false);
            if (!ok) console.Say("校验发现问题（见上）；读模型可用 pointsengine rebuild 重建。", "verification found problems (above); read models can be rebuilt with pointsengine rebuild.");
            return ok ? ExitCodes.Ok : ExitCodes.Problems;
        });
        return command;
    }
}
