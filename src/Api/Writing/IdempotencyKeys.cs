using System.Security.Cryptography;
using System.Text;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Writing;

/// Every write carries an `Idempotency-Key` header. The fact id is derived from (the caller's subject,
/// the key), so a retried request maps to the same fact id, the store's idempotent append writes it
/// once, and the retry is answered with the first result. Two callers using the same key never collide.
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 200;

    public static FactId FactIdFor(string subject, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}\u001f{key}"));
        return new FactId("f-" + Convert.ToHexStringLower(hash.AsSpan(0, 16)));
    }

    /// Null when the key is usable; otherwise the problem to answer with.
    public static ApiProblem? Check(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
            return ApiProblem.Field(StatusCodes.Status400BadRequest, Header, "missing-idempotency-key",
                "写入请求必须带 Idempotency-Key 请求头（每个业务操作一个唯一值，重试时保持不变）。",
                "Every write needs an Idempotency-Key header: one unique value per operation, the same on retries.");
        if (key.Length > MaxLength || !FieldErrors.IsStorable(key) || key.Any(char.IsControl))
            return ApiProblem.Field(StatusCodes.Status400BadRequest, Header, "invalid-idempotency-key",
                $"Idempotency-Key 最多 {MaxLength} 个字符，且不能含控制字符。",
                $"The Idempotency-Key is at most {MaxLength} characters without control characters.");
        return null;
    }
}
