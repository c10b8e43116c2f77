using System.CommandLine;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Accounts;

namespace PointsEngine.Api.Commands;

/// `pointsengine init-admin --name 张三 [--subject zhangsan] [--days 90] [--store-path … | --Store:Path …]`: the
/// first-run command. It creates the signing key if none is configured (a 0600 file outside the data
/// directory, <see cref="SigningKey.KeyFilePath"/>, which `serve` then uses), invites the administrator's account (#18: a one-time link to choose a
/// password, printed on stderr; `--url` is the address people open) and prints an integration token of that account for scripts on
/// stdout (named "init-admin", listed and revocable on the account's page). Whoever can read the key
/// file can already mint tokens, so running it again (a lost token) grants nothing new.
public static class InitAdminCommand
{
    public const string Name = "init-admin";

    /// Runs the command as `pointsengine init-admin ARGS` would.
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        PointsEngineCli.RunAsync([Name, .. args], CliConsole.Captured(output, error)).GetAwaiter().GetResult();

    public static Command Create(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "管理员姓名（必填） / the administrator's name (required)", HelpName = "姓名" };
        var subject = new Option<string?>("--subject") { Description = "令牌主体（默认同姓名） / the token's subject (default: the name)" };
        var days = new Option<int>("--days")
        {
            Description = $"令牌有效天数 1–{AccountTokens.MaxLifetimeDays} / days the token is valid, 1–{AccountTokens.MaxLifetimeDays}",
            DefaultValueFactory = _ => AccountTokens.DefaultLifetimeDays,
        };
        days.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > AccountTokens.MaxLifetimeDays)
                r.AddError($"--days 须在 1–{AccountTokens.MaxLifetimeDays} 之间 / --days must lie in 1–{AccountTokens.MaxLifetimeDays}");
        });
        var url = new Option<string>("--url")
        {
            Description = "服务地址，用于打印一次性登录链接 / the server's address, for the one-time link",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var store = new StoreOptions();
        var command = new Command(Name,
            "创建签名密钥（如无）并打印首个管理员令牌；配置项 --Store:Path 等与 serve 相同 / create the signing key if none and print the first admin's token; " +
            "takes the same configuration keys as serve (--Store:Path …)")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Add(name);
        command.Add(subject);
        command.Add(days);
        command.Add(store.Path);
        command.Add(url);
        command.SetRun(console, async (parse, ct) =>
        {
            var who = parse.GetValue(name);
            if (string.IsNullOrWhiteSpace(who))
            {
                console.Error.WriteLine("用法 / usage: pointsengine init-admin --name 张三 [--subject zhangsan] [--days 1-365] [--store-path data/points.db]");
                return ExitCodes.Usage;
            }
            string token;
            List<string> args = [.. StoreOptions.ConfigurationTokens(parse)];
            if (parse.GetValue(store.Path) is { } path) args.AddRange(["--Store:Path", path]);
            // The same configuration sources as `serve`, so both find the same database directory and signing key.
            var configuration = StoreOptions.Configuration(args);
            var key = SigningKey.LoadOrCreate(configuration);
            var tokens = new TokenService(key, TimeProvider.System);
            var (adminSubject, adminName) = ((parse.GetValue(subject) ?? who).Trim(), who.Trim());
            var tokenDays = parse.GetValue(days);

            console.Error.WriteLine(key.CreatedNow
                ? $"已创建签名密钥 / created the signing key: {key.Source} (0600)"
                : $"使用已有签名密钥 / using the signing key from: {key.Source}");

            // The admin's account: a link to choose a password in the browser, so no token is copied by hand.
            await using (var session = await CliSession.OpenAsync(configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings(), create: true, ct))
            {
                var book = new AccountBook(session.Store, session.Serializer, TimeProvider.System);
                var days = configuration.GetSection(AccessSettings.Section).Get<AccessSettings>()?.InvitationDays ?? 7;
                var invitee = new Invitee($"person-{adminSubject}", adminSubject, adminName, null, Roles.Admin, []);
                var link = (await new AccountInvitations(book, key, TimeProvider.System)
                    .InviteAsync([invitee], FormWrite.NewKey(), TimeSpan.FromDays(days), "init-admin", ct)).Single();
                if (link.Code is null)
                {
                    console.Error.WriteLine($"{link.Refusal!.Chinese} / {link.Refusal.English}");
                    return ExitCodes.Usage;
                }
                console.Error.WriteLine($"一次性登录链接（{link.ExpiresAt:yyyy-MM-dd} 前有效；在浏览器打开，设置密码后即以管理员登录；登录名 {invitee.LoginName}）/");
                console.Error.WriteLine($"one-time link (until {link.ExpiresAt:yyyy-MM-dd}; open it, choose a password, and you are the admin; login name {invitee.LoginName}):");
                console.Error.WriteLine(link.Url(parse.GetValue(url)!));

                // #18: the token for scripts is an integration token of the admin's account: listed, revocable, in the log.
                var (issued, refused) = await IntegrationTokens.IssueAsync(book, tokens, TimeProvider.System, invitee.Account, "init-admin",
                    tokenDays, "init-admin", null, ct);
                if (issued is null)
                {
                    console.Error.WriteLine($"{refused!.Chinese} / {refused.English}");
                    return ExitCodes.Usage;
                }
                console.Error.WriteLine($"管理员 / admin: {adminName} ({invitee.Account}), 令牌有效期至 / token expires {issued.Info.ExpiresAt:yyyy-MM-dd}");
                token = issued.Token;
            }
            console.Error.WriteLine("脚本用的令牌如下，请妥善保管 / the token for scripts follows; keep it secret:");
            console.Out.WriteLine(token);
            return ExitCodes.Ok;
        });
        return command;
    }
}
