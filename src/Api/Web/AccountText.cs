using PointsEngine.Api.Access;
using PointsEngine.Domain.Accounts;

namespace PointsEngine.Api.Web;

/// How the account pages (#18) word an account: its role, its state, a time in China's time.
public static class AccountText
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string RoleName(string role) => Roles.TryParse(role, out var r) ? WebAccess.RoleName(r) : role;

    public static string State(AccountState a, DateTimeOffset now) =>
        a.Disabled ? "已停用" : a.Active ? "已开通" : a.OpenInvitation(now) is not null ? "已邀请，未设密码" : "链接已失效";

    public static string When(DateTimeOffset? at) => at is { } t ? t.ToOffset(China).ToString("yyyy-MM-dd HH:mm") : "从未";
}
