using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Access;

/// Signs and checks bearer tokens: compact JWS (RFC 7515/7519) with HMAC-SHA256, so standard tools can
/// read them. Microsoft.AspNetCore.Authentication.JwtBearer 10.0.x does not restore from the registry
/// these machines use (it needs Microsoft.IdentityModel 8.x, which is missing), hence this small
/// implementation: one algorithm, fixed header, constant-time signature check, expiry always required.
public sealed class TokenService(SigningKey key, TimeProvider clock)
{
    public const int MaxTokenLength = 8 * 1024;

    private static readonly string Header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));

    public string Issue(AccessToken token)
    {
        var payload = new Payload
        {
            Sub = token.Subject,
            Name = token.Name,
            Role = Roles.NameOf(token.Role),
            Branches = token.Branches.Count == 0 ? null : [.. token.Branches.Select(b => b.Value)],
            Member = token.Member?.Value,
            Iat = token.IssuedAt.ToUnixTimeSeconds(),
            Exp = token.ExpiresAt.ToUnixTimeSeconds(),
            Jti = token.TokenId,
        };
        var signingInput = $"{Header}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload, PayloadJson.Default.Payload))}";
        return $"{signingInput}.{Base64Url(Sign(signingInput))}";
    }

    /// A new token for someone, valid from now for <paramref name="lifetime"/>.
    public (string Token, AccessToken Grant) IssueNew(string subject, string name, Role role, IReadOnlyList<BranchId> branches, MemberId? member, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var grant = new AccessToken(subject, name, role, branches, member, now, now + lifetime, Guid.NewGuid().ToString("N"));
        return (Issue(grant), grant);
    }

    /// Tokens whose signature and payload were checked already, with their grant: a client sends the same
    /// token with every request, and checking it again (HMAC, base64, JSON) cost more than the rest of the
    /// authentication. Only genuine tokens get in (they need the key); expiry is still checked on every use.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenCheck> _checked = new(StringComparer.Ordinal);
    private const int MaxChecked = 4_096;

    public TokenCheck Check(string token)
    {
        if (_checked.TryGetValue(token, out var known))
            return known.Grant!.ExpiresAt <= clock.GetUtcNow() ? TokenCheck.Expired : known;
        var check = CheckSignedPayload(token);
        if (check.Grant is not null)
        {
            // A bound on memory, not a policy: past it the cache starts over.
            if (_checked.Count >= MaxChecked) _checked.Clear();
            _checked[token] = check;
        }
        return check;
    }

    private TokenCheck CheckSignedPayload(string token)
    {
        if (token.Length > MaxTokenLength) return TokenCheck.Malformed;
        var parts = token.Split('.');
        if (parts.Length != 3) return TokenCheck.Malformed;
        // Only our own header is accepted: no "alg": "none", no algorithm chosen by the token.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[0]), Encoding.ASCII.GetBytes(Header)))
            return TokenCheck.Malformed;
        if (!TryBase64Url(parts[2], out var signature)) return TokenCheck.Malformed;
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign($"{parts[0]}.{parts[1]}"))) return TokenCheck.BadSignature;
        if (!TryBase64Url(parts[1], out var json)) return TokenCheck.Malformed;

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(json, PayloadJson.Default.Payload);
        }
        catch (JsonException)
        {
            return TokenCheck.Malformed;
        }
        if (payload?.Sub is not { Length: > 0 } subject || !Roles.TryParse(payload.Role, out var role) || payload.Exp is not { } exp)
            return TokenCheck.Malformed;
        AccessToken grant;
        try
        {
            grant = new AccessToken(subject, payload.Name ?? subject, role,
                [.. (payload.Branches ?? []).Select(BranchId.Parse)],
                payload.Member is { } m ? MemberId.Parse(m) : null,
                DateTimeOffset.FromUnixTimeSeconds(payload.Iat ?? 0),
                DateTimeOffset.FromUnixTimeSeconds(exp),
                payload.Jti ?? "");
        }
        catch (ArgumentException)
        {
            return TokenCheck.Malformed;
        }
        return grant.ExpiresAt <= clock.GetUtcNow() ? TokenCheck.Expired : TokenCheck.Valid(grant);
    }

    private byte[] Sign(string signingInput) => HMACSHA256.HashData(key.Bytes, Encoding.ASCII.GetBytes(signingInput));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        var s = text.Replace('-', '+').Replace('_', '/');
        s = (s.Length % 4) switch { 2 => s + "==", 3 => s + "=", 0 => s, _ => "!" };
        var buffer = new byte[s.Length];
        if (!Convert.TryFromBase64String(s, buffer, out var written)) return false;
        bytes = buffer[..written];
        return true;
    }

    internal sealed class Payload
    {
        [JsonPropertyName("sub")] public string? Sub { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("role")] public string? Role { get; set; }
        [JsonPropertyName("branches")] public string[]? Branches { get; set; }
        [JsonPropertyName("member")] public string? Member { get; set; }
        [JsonPropertyName("iat")] public long? Iat { get; set; }
        [JsonPropertyName("exp")] public long? Exp { get; set; }
        [JsonPropertyName("jti")] public string? Jti { get; set; }
    }
}

[JsonSerializable(typeof(TokenService.Payload))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class PayloadJson : JsonSerializerContext;

/// The outcome of checking a token; <see cref="Grant"/> is set only when it is valid.
public sealed record TokenCheck(string? Failure, AccessToken? Grant)
{
    public static readonly TokenCheck Malformed = new("malformed-token", null);
    public static readonly TokenCheck BadSignature = new("invalid-signature", null);
    public static readonly TokenCheck Expired = new("token-expired", null);
    public static TokenCheck Valid(AccessToken grant) => new(null, grant);
}
