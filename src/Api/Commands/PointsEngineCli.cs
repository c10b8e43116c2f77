using System.CommandLine;
using System.CommandLine.Invocation;

namespace PointsEngine.Api.Commands;

/// The one tool, `pointsengine`: the API (`serve`, the default) and the offline commands on the same store.
/// Exit codes are in <see cref="ExitCodes"/>; docs/CLI.md lists every command and option.
public static class PointsEngineCli
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand(
            "PointsEngine 党员积分引擎：运行 API，导入导出台账，生成年终考核工作簿，重建与校验。 / " +
            "PointsEngine: run the API, import and export ledgers, produce year-end appraisal workbooks, rebuild and verify.")
        {
            ServeCommand.Create(),
            InitAdminCommand.Create(console),
            ImportCommand.Create(console),
            FactsCommand.Create(console),
            ExportCommand.Create(console),
            AppraisalCommand.Create(console),
            RebuildCommand.Create(console),
            VerifyCommand.Create(console),
            RulesCommand.Create(console),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct = default)
    {
        var root = Build(console);
        // `pointsengine` alone, or followed by configuration (`--urls …`, what WebApplicationFactory passes),
        // is `serve`, as it was before the command line had commands.
        string[] helpFlags = ["--help", "-h", "-?", "/?", "/h", "--version"];
        if (args.Length == 0 || (args[0].StartsWith('-') && !helpFlags.Contains(args[0]))) args = [ServeCommand.Name, .. args];

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is null or ParseErrorAction)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine(error.Message);
            var help = $"{CommandRunner.PathOf(parse.CommandResult.Command)} --help";
            console.Say($"用法错误；查看帮助：{help}", $"usage error; see {help}");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // The web host handles Ctrl+C itself and stops gracefully; the other commands get a cancelled token.
            ProcessTerminationTimeout = args[0] == ServeCommand.Name ? null : TimeSpan.FromSeconds(10),
        }, ct).ConfigureAwait(false);
    }

    /// `--operator`: who is recorded as having written the facts (event metadata), by default the OS user.
    public static Option<string> OperatorOption() => new("--operator")
    {
        Description = "记录人（写入事件元数据；默认当前系统用户） / who records the facts (event metadata; default: the OS user)",
        DefaultValueFactory = _ => Environment.UserName is { Length: > 0 } user ? user : "cli",
        HelpName = "name",
    };
}
