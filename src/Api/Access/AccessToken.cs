using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Access;

/// What a bearer token grants. <see cref="Subject"/> is who acts: it becomes every recorded fact's
/// recordedBy and part of every idempotency key, so it is taken from the token, never from a body.
public sealed record AccessToken(
    string Subject,
    string Name,
    Role Role,
    IReadOnlyList<BranchId> Branches,
    MemberId? Member,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string TokenId);
