using System.CommandLine;
using PointsEngine.Api.Hosting;

namespace PointsEngine.Api.Commands;

/// The store options every command that opens the store takes. Without them a command uses the same
/// configuration as `serve` (appsettings.json beside the program, then environment variables such as
/// `Store__Path`, `Store__Provider`, `Store__ConnectionString`), so both find the same database.
public sealed class StoreOptions
{
    public Option<string?> Path { get; } = new("--store-path")
    {
        Description = "SQLite 数据库文件（默认取配置 Store:Path，即 data/points.db） / the SQLite file (default: configuration Store:Path, data/points.db)",
        HelpName = "file",
    };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "使用 PostgreSQL，值为连接字符串（默认取配置 Store:Provider 与 Store:ConnectionString） / use PostgreSQL with this connection string (default: configuration Store:Provider and Store:ConnectionString)",
        HelpName = "connection-string",
    };

    public void AddTo(Command command)
    {
        command.Add(Path);
        command.Add(Postgres);
    }

    /// The store settings: the options, else the configuration serve reads, else the embedded default.
    public StoreSettings Resolve(ParseResult parse, IEnumerable<string>? configurationArgs = null)
    {
        var path = parse.GetValue(Path);
        var postgres = parse.GetValue(Postgres);
        if (path is not null && postgres is not null)
            throw new UsageException("--store-path 与 --postgres 只能选一个。", "Give --store-path or --postgres, not both.");
        var settings = Configuration(configurationArgs).GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
        if (path is not null)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new UsageException("--store-path 不能为空。", "--store-path must not be empty.");
            settings.Provider = "sqlite";
            settings.Path = path;
        }
        if (postgres is not null)
        {
            if (string.IsNullOrWhiteSpace(postgres)) throw new UsageException("--postgres 需要连接字符串。", "--postgres needs a connection string.");
            settings.Provider = "postgres";
            settings.ConnectionString = postgres;
        }
        return settings;
    }

    /// The configuration sources of `serve`, with `--Section:Key value` arguments last (serve, init-admin).
    public static IConfiguration Configuration(IEnumerable<string>? args = null) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. args ?? []])
            .Build();

    /// Unmatched tokens must be configuration keys (`--Store:Path value` or `--Store:Path=value`): anything
    /// else is a mistyped option, refused instead of silently ignored.
    public static IReadOnlyList<string> ConfigurationTokens(ParseResult parse)
    {
        var tokens = parse.UnmatchedTokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var isKey = token.StartsWith("--", StringComparison.Ordinal) && token.Contains(':', StringComparison.Ordinal);
            if (!isKey)
                throw new UsageException($"无法识别的参数“{token}”。", $"Unrecognised argument '{token}'.");
            if (!token.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 >= tokens.Count) throw new UsageException($"配置项 {token} 缺少值。", $"The configuration key {token} needs a value.");
                i++;
            }
        }
        return tokens;
    }
}
