using System.CommandLine;

namespace PointsEngine.Api.Commands;

/// Every command's action runs through here, so failures map to the same exit codes and bilingual
/// messages whichever command met them (ExitCodes).
public static class CommandRunner
{
    public static void SetRun(this Command command, CliConsole console, Func<ParseResult, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await run(parse, ct).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                console.Say($"用法错误：{e.Zh}", $"usage error: {e.En}");
                console.Error.WriteLine($"{PathOf(command)} --help");
                return ExitCodes.Usage;
            }
            catch (StoreUnavailableException e)
            {
                console.Say(e.Zh, e.En);
                return ExitCodes.StoreUnavailable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                console.Say("已中断；重新运行同一命令是安全的。", "Cancelled; running the same command again is safe.");
                return ExitCodes.Cancelled;
            }
            catch (Exception e)
            {
                console.Say($"意外错误：{e.Message}", $"unexpected failure: {e.GetType().Name}: {e.Message}");
                console.Error.WriteLine(e.StackTrace);
                return ExitCodes.Failed;
            }
        });

    /// "pointsengine rules validate": the command as typed, for hints.
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && s is not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(" ", ["pointsengine", .. names]);
    }
}
