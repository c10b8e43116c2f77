using System.Security.Claims;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Access;

/// The authenticated caller as the endpoints see it, read back from the claims the bearer handler set.
public sealed record Caller(string Subject, string Name, Role Role, IReadOnlySet<BranchId> Branches, MemberId? Member)
{
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string BranchClaim = "branch";
    public const string MemberClaim = "member";

    public static ClaimsPrincipal ToPrincipal(AccessToken token, string scheme)
    {
        var claims = new List<Claim>
        {
            new(SubjectClaim, token.Subject),
            new(NameClaim, token.Name),
            new(RoleClaim, Roles.NameOf(token.Role)),
        };
        claims.AddRange(token.Branches.Select(b => new Claim(BranchClaim, b.Value)));
        if (token.Member is { } m) claims.Add(new Claim(MemberClaim, m.Value));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, SubjectClaim, RoleClaim));
    }

    public static Caller From(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(SubjectClaim) ?? throw new InvalidOperationException("The endpoint needs an authenticated caller.");
        Roles.TryParse(user.FindFirstValue(RoleClaim), out var role);
        return new Caller(
            subject,
            user.FindFirstValue(NameClaim) ?? subject,
            role,
            user.FindAll(BranchClaim).Select(c => BranchId.Parse(c.Value)).ToHashSet(),
            user.FindFirstValue(MemberClaim) is { } m ? MemberId.Parse(m) : null);
    }

    /// Minimal APIs bind a <see cref="Caller"/> parameter from the request's user.
    public static ValueTask<Caller?> BindAsync(HttpContext http) => ValueTask.FromResult<Caller?>(From(http.User));

    public bool Manages(BranchId branch) => Role == Role.Admin || (Role == Role.Secretary && Branches.Contains(branch));
}
