using PointsEngine.Api.Commands;

// `pointsengine [serve] [--urls http://127.0.0.1:5080] [--Store:Path data/points.db]` runs the server;
// `pointsengine init-admin|import|export|appraisal|rebuild|verify|rules …` are the offline commands
// (Commands/, docs/CLI.md). `pointsengine --help` lists them.
return await PointsEngineCli.RunAsync(args, CliConsole.Standard());

/// Visible to the integration tests' WebApplicationFactory.
public partial class Program;
