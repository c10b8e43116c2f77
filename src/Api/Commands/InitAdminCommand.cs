using PointsEngine.Api.Access;

namespace PointsEngine.Api.Commands;

/// `pointsengine init-admin --name 张三 [--subject zhangsan] [--days 365] [--Store:Path …]`: the first-run
/// command. It creates the signing key if none is configured (a 0600 file beside the SQLite database,
/// which `serve` then uses) and prints a token for an administrator. Whoever can read the key file can
/// already mint tokens, so running it again (a lost token) grants nothing new.
public static class InitAdminCommand
{
    public const string Name = "init-admin";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? name = null, subject = null;
        var days = 365;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--subject" when i + 1 < args.Length: subject = args[++i]; break;
                case "--days" when i + 1 < args.Length && int.TryParse(args[i + 1], out var d) && d is >= 1 and <= 3650: days = d; i++; break;
                default: rest.Add(args[i]); break;
            }
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            error.WriteLine("用法 / usage: pointsengine init-admin --name 张三 [--subject zhangsan] [--days 1-3650] [--Store:Path data/points.db]");
            return 2;
        }

        // The same configuration sources as `serve` (appsettings.json, environment, command line), so both
        // find the same database directory and signing key.
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. rest])
            .Build();
        var key = SigningKey.LoadOrCreate(configuration);
        var tokens = new TokenService(key, TimeProvider.System);
        var (token, grant) = tokens.IssueNew((subject ?? name).Trim(), name.Trim(), Role.Admin, [], null, TimeSpan.FromDays(days));

        error.WriteLine(key.CreatedNow
            ? $"已创建签名密钥 / created the signing key: {key.Source} (0600)"
            : $"使用已有签名密钥 / using the signing key from: {key.Source}");
        error.WriteLine($"管理员 / admin: {grant.Name} ({grant.Subject}), 有效期至 / expires {grant.ExpiresAt:yyyy-MM-dd}");
        error.WriteLine("令牌如下，请妥善保管 / the token follows; keep it secret:");
        output.WriteLine(token);
        return 0;
    }
}
