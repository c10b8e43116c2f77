using System.Security.Cryptography;
using System.Text;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using QRCoder;

namespace PointsEngine.Api.Access.Accounts;

/// Who is to be invited: the account (a member's id, or "person-…" for an admin or appraiser who is no
/// member), the login name they will type, and what the organisation says they are.
public sealed record Invitee(string Account, string LoginName, string Name, MemberId? Member, string Role, IReadOnlyList<BranchId> Branches);

/// One line of the printable sheet: the person's link and when it stops working; or why none was made.
public sealed record InvitationLink(Invitee Invitee, string? Code, DateTimeOffset ExpiresAt, Refusal? Refusal)
{
    public string Url(string baseUrl) => $"{baseUrl.TrimEnd('/')}/i/{Code}";

    /// The link as a QR code (PNG, as a data: URL the page's Content-Security-Policy allows).
    public string QrDataUrl(string baseUrl)
    {
        using var data = QRCodeGenerator.GenerateQrCode(Url(baseUrl), QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }

    /// The text a secretary pastes into the branch's WeChat or QQ group for this person.
    public string GroupText(string baseUrl) =>
        $"@{Invitee.Name} 请用手机打开下面的链接，设置密码后即可查看“我的积分”（登录名：{Invitee.LoginName}）。链接只能用一次，{ExpiresAt.ToOffset(China):M月d日 HH:mm}前有效：{Url(baseUrl)}";

    private static readonly TimeSpan China = TimeSpan.FromHours(8);
}

/// Invitations for many people at once (#18): one link per person. A link's code is derived from the
/// form's idempotency key and the account (HMAC with the signing key), so submitting the same form twice
/// makes the same links and appends nothing the second time; the log keeps only the code's digest.
public sealed class AccountInvitations(AccountBook book, SigningKey key, TimeProvider clock)
{
    public static readonly Refusal LoginTaken = new(RefusalKind.Conflict, "login-taken",
        "这个登录名已被另一个账号使用。", "This login name is used by another account.");

    public async Task<IReadOnlyList<InvitationLink>> InviteAsync(IReadOnlyList<Invitee> invitees, string formKey, TimeSpan lifetime, string by, CancellationToken ct)
    {
        await book.CatchUpAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var links = new List<InvitationLink>();
        foreach (var who in invitees)
        {
            var code = Code(formKey, who.Account);
            var stamp = AccountBook.Stamp(code);
            var expires = book.FindByInvitation(code)?.Invitations.First(i => i.Stamp == stamp).ExpiresAt ?? now + lifetime;
            var (_, refused) = await book.DecideAsync(who.Account, state =>
            {
                if (book.FindByLogin(who.LoginName) is { } holder && holder.Account != who.Account) return AccountDecision.No(LoginTaken);
                if (state?.Invitations.Any(i => i.Stamp == stamp) == true) return AccountDecision.Of(); // the same form again
                return AccountRules.Invite(state, new AccountInvited(who.Account, stamp, who.LoginName, who.Name, who.Member, who.Role, who.Branches, expires, by, now));
            }, by, ct).ConfigureAwait(false);
            links.Add(new InvitationLink(who, refused is null ? code : null, expires, refused));
        }
        return links;
    }

    /// 128 bits, URL-safe, 22 characters: short enough to type from paper.
    private string Code(string formKey, string account) =>
        Convert.ToBase64String(HMACSHA256.HashData(key.Bytes, Encoding.UTF8.GetBytes($"invite\n{formKey}\n{account}"))[..16])
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
