using System.Collections.Immutable;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// Everything Decide needs about one member, rebuilt from the member's stream alone.
/// Seen holds every fact id the member accepted (idempotency is a check on state); the ledger is
/// kept per year because scoring, caps and the base score reset each year.
public sealed record MemberState(
    MemberId Member,
    MemberProfile Profile,
    ImmutableDictionary<FactId, DateOnly> Seen,
    ImmutableHashSet<FactId> Revoked,
    ImmutableSortedSet<int> Years,
    ImmutableDictionary<int, ImmutableList<MemberFact>> FactsByYear,
    ImmutableDictionary<int, ImmutableDictionary<string, LedgerEntry>> Ledger)
{
    public ImmutableList<MemberFact> FactsIn(int year) =>
        FactsByYear.TryGetValue(year, out var facts) ? facts : [];

    public ImmutableDictionary<string, LedgerEntry> LedgerIn(int year) =>
        Ledger.TryGetValue(year, out var entries) ? entries : ImmutableDictionary<string, LedgerEntry>.Empty;

    /// The year's ledger lines in the order they were allocated (date, then award id).
    public IReadOnlyList<LedgerEntry> LinesIn(int year) =>
        [.. LedgerIn(year).Values.OrderBy(e => e.OccurredOn).ThenBy(e => e.AwardId, StringComparer.Ordinal)];

    public Points TotalIn(int year) => new(LedgerIn(year).Values.Sum(e => e.Granted.Value));

    public Points TotalIn(int year, string category) =>
        new(LedgerIn(year).Values.Where(e => e.Category == category).Sum(e => e.Granted.Value));

    public bool IsActive(MemberFact fact) => !Revoked.Contains(fact.FactId);

    // Structural equality, so "state rebuilt from the stream equals the live state" (law 4) is a
    // plain Assert.Equal and a snapshot can be checked against a replay.
    public bool Equals(MemberState? other) =>
        other is not null
        && Member == other.Member
        && Profile.Equals(other.Profile)
        && Seen.Count == other.Seen.Count && Seen.All(kv => other.Seen.TryGetValue(kv.Key, out var d) && d == kv.Value)
        && Revoked.SetEquals(other.Revoked)
        && Years.SetEquals(other.Years)
        && SameKeys(FactsByYear, other.FactsByYear, (a, b) => a.SequenceEqual(b))
        && SameKeys(Ledger, other.Ledger, (a, b) => SameKeys(a, b, (x, y) => x == y));

    public override int GetHashCode() => HashCode.Combine(Member, Seen.Count, Ledger.Count);

    private static bool SameKeys<TKey, TValue>(
        ImmutableDictionary<TKey, TValue> a, ImmutableDictionary<TKey, TValue> b, Func<TValue, TValue, bool> same)
        where TKey : notnull =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && same(kv.Value, other));
}
