using PointsEngine.Api.Commands;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests.Cli;

public sealed record CliRun(int Exit, string Output, string Errors)
{
    public override string ToString() => $"exit {Exit}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}

/// Runs `pointsengine …` in-process through the System.CommandLine root, capturing what it writes.
public static class Cli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await PointsEngineCli.RunAsync(args, CliConsole.Captured(output, errors));
        return new CliRun(exit, output.ToString(), errors.ToString());
    }

    /// Publishes the shipped default rule set into the store (the template scores every kind of fact).
    public static async Task PublishDefaultRulesAsync(string dir, params string[] store)
    {
        var file = Path.Combine(dir, "rules.json");
        await File.WriteAllTextAsync(file, PointsEngine.TestSupport.TypicalRules.Document());
        var run = await RunAsync(["rules", "publish", file, "--operator", "测试管理员", .. store]);
        Assert.True(run.Exit == 0, run.ToString());
    }
}
