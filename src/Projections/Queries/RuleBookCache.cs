using PointsEngine.Domain.Rules;

namespace PointsEngine.Projections.Queries;

/// The last rule book the queries parsed, keyed by the rule-set rows it folds (log position and fact id, in
/// order). RuleBook is immutable, so queries running at once share it.
internal sealed class RuleBookCache
{
    private sealed record Entry(string Key, RuleBook Book);

    private Entry? _last;

    public RuleBook? Find(string key) => Volatile.Read(ref _last) is { } last && last.Key == key ? last.Book : null;

    public void Keep(string key, RuleBook book) => Volatile.Write(ref _last, new Entry(key, book));
}
