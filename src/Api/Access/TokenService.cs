using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Access;

/// Signs bearer tokens and says how they are checked: compact JWS (RFC 7515/7519), HMAC-SHA256 with the
/// signing key, through Microsoft.IdentityModel's JsonWebTokenHandler (#18: the standard JwtBearer handler
/// validates them with <see cref="Parameters"/>; the page cookie's token is checked with the same). One
/// algorithm, expiry always required and checked against the server's clock, no clock skew.
public sealed class TokenService
{
    public const int MaxTokenLength = 8 * 1024;
    /// The claim naming the account an integration token was issued to (#18); such a token is checked
    /// against the account on every request (not revoked, account enabled).
    public const string AccountClaim = "acc";

    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _clock;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false, MaximumTokenSizeInBytes = MaxTokenLength };

    public TokenService(SigningKey key, TimeProvider clock)
    {
        _key = new SymmetricSecurityKey(key.Bytes);
        _clock = clock;
        Parameters = new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuer = false,
            ValidateAudience = false,
            ClockSkew = TimeSpan.Zero,
            // The server's clock, not the machine's: tests move it, and expiry follows.
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e > _clock.GetUtcNow().UtcDateTime,
            NameClaimType = Caller.SubjectClaim,
            RoleClaimType = Caller.RoleClaim,
        };
    }

    public TokenValidationParameters Parameters { get; }

    public JsonWebTokenHandler Handler => _handler;

    public string Issue(AccessToken token, string? account = null)
    {
        var claims = new Dictionary<string, object>
        {
            [Caller.SubjectClaim] = token.Subject,
            [Caller.NameClaim] = token.Name,
            [Caller.RoleClaim] = Roles.NameOf(token.Role),
            [JwtRegisteredClaimNames.Jti] = token.TokenId,
        };
        if (token.Branches.Count > 0) claims[BranchesClaim] = token.Branches.Select(b => b.Value).ToArray();
        if (token.Member is { } m) claims[Caller.MemberClaim] = m.Value;
        if (account is not null) claims[AccountClaim] = account;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = token.IssuedAt.UtcDateTime,
            NotBefore = token.IssuedAt.UtcDateTime,
            Expires = token.ExpiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// A new token for someone, valid from now for <paramref name="lifetime"/>.
    public (string Token, AccessToken Grant) IssueNew(string subject, string name, Role role, IReadOnlyList<BranchId> branches, MemberId? member,
        TimeSpan lifetime, string? account = null, string? tokenId = null)
    {
        var now = _clock.GetUtcNow();
        var grant = new AccessToken(subject, name, role, branches, member, now, now + lifetime, tokenId ?? Guid.NewGuid().ToString("N"));
        return (Issue(grant, account), grant);
    }

    public const string BranchesClaim = "branches";

    /// Signature, algorithm and expiry, as the JwtBearer handler checks them; then the grant the claims carry.
    public async Task<TokenCheck> ValidateAsync(string token)
    {
        if (token.Length > MaxTokenLength) return TokenCheck.Malformed;
        var result = await _handler.ValidateTokenAsync(token, Parameters).ConfigureAwait(false);
        return result.IsValid ? FromClaims(new ClaimsPrincipal(result.ClaimsIdentity)) : TokenCheck.Failed(FailureOf(result.Exception));
    }

    /// The failure code of a token the handler refused (the bilingual 401 names it).
    public static string FailureOf(Exception? e) => e switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "token-expired",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "invalid-signature",
        _ => "malformed-token",
    };

    /// The grant the validated claims carry; malformed when a claim the engine needs is missing or wrong.
    public static TokenCheck FromClaims(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue(Caller.SubjectClaim);
        if (subject is not { Length: > 0 } || !Roles.TryParse(principal.FindFirstValue(Caller.RoleClaim), out var role)
            || !long.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp))
            return TokenCheck.Malformed;
        try
        {
            _ = long.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Iat), out var iat);
            return TokenCheck.Valid(new AccessToken(subject, principal.FindFirstValue(Caller.NameClaim) ?? subject, role,
                [.. principal.FindAll(BranchesClaim).Select(c => BranchId.Parse(c.Value))],
                principal.FindFirstValue(Caller.MemberClaim) is { } m ? MemberId.Parse(m) : null,
                DateTimeOffset.FromUnixTimeSeconds(iat), DateTimeOffset.FromUnixTimeSeconds(exp),
                principal.FindFirstValue(JwtRegisteredClaimNames.Jti) ?? ""), principal.FindFirstValue(AccountClaim));
        }
        catch (ArgumentException)
        {
            return TokenCheck.Malformed;
        }
    }
}

/// The outcome of checking a token; <see cref="Grant"/> is set only when it is valid, <see cref="Account"/>
/// when it is an integration token issued to an account.
public sealed record TokenCheck(string? Failure, AccessToken? Grant, string? Account = null)
{
    public static readonly TokenCheck Malformed = new("malformed-token", null);
    public static readonly TokenCheck BadSignature = new("invalid-signature", null);
    public static readonly TokenCheck Expired = new("token-expired", null);
    public static readonly TokenCheck Revoked = new("token-revoked", null);
    public static TokenCheck Failed(string code) => new(code, null);
    public static TokenCheck Valid(AccessToken grant, string? account = null) => new(null, grant, account);
}
