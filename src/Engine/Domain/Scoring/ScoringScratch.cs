using PointsEngine.Domain.Rules;

namespace PointsEngine.Domain.Scoring;

/// Working memory for scoring a year: the lines and the running sums. One per thread, reused by every
/// decision on it, so re-scoring a year allocates nothing that does not outlive the decision. It holds
/// no result: what is left in it between uses is never read (and is cleared, so it keeps nothing alive).
internal sealed class ScoringScratch
{
    [ThreadStatic] private static ScoringScratch? _current;

    public static ScoringScratch ForThisThread => _current ??= new ScoringScratch();

    private ScoredItem[] _items = new ScoredItem[64];
    private int _used;
    private string?[] _ids = new string?[64];
    private char[] _kinds = new char[64];
    private int[] _scopes = new int[128];
    private decimal[] _sums = new decimal[17 * 16];
    private RuleSet?[] _sets = new RuleSet?[16];
    private ScoringCategory?[] _categories = new ScoringCategory?[16];

    public ScoredItems Start(int capacity)
    {
        Release();
        if (_items.Length < capacity) _items = new ScoredItem[capacity];
        return new ScoredItems(this);
    }

    /// Clears the lines of the last use, so the buffer keeps no rule set or fact alive.
    public void Release()
    {
        Array.Clear(_items, 0, _used);
        Array.Clear(_ids);
        Array.Clear(_sets);
        Array.Clear(_categories);
        _used = 0;
    }

    internal ref ScoredItem Slot(int index)
    {
        if (index >= _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _used = Math.Max(_used, index + 1);
        return ref _items[index];
    }

    internal Span<ScoredItem> Items(int count) => _items.AsSpan(0, count);

    /// Ids and kinds of up to 2 × lines + 1 scopes, and each line's rule and category scope.
    public void Scopes(int lines, out Span<string?> ids, out Span<char> kinds, out Span<int> scopes)
    {
        var n = lines * 2 + 1;
        if (_ids.Length < n) (_ids, _kinds) = (new string?[n], new char[n]);
        if (_scopes.Length < lines * 2) _scopes = new int[lines * 2];
        ids = _ids.AsSpan(0, n);
        kinds = _kinds.AsSpan(0, n);
        scopes = _scopes.AsSpan(0, lines * 2);
    }

    /// Zeroed running sums for the scopes, and room to remember each scope's category caps.
    public void Sums(int scopes, int periods, out Span<decimal> sums, out Span<RuleSet?> sets, out Span<ScoringCategory?> categories)
    {
        if (_sums.Length < scopes * periods) _sums = new decimal[scopes * periods];
        if (_sets.Length < scopes) (_sets, _categories) = (new RuleSet?[scopes], new ScoringCategory?[scopes]);
        sums = _sums.AsSpan(0, scopes * periods);
        sums.Clear();
        sets = _sets.AsSpan(0, scopes);
        sets.Clear();
        categories = _categories.AsSpan(0, scopes);
        categories.Clear();
    }
}

/// The lines being added to a scratch buffer.
internal struct ScoredItems(ScoringScratch scratch)
{
    private int _count;

    public void Add(in ScoredItem item) => scratch.Slot(_count++) = item;

    public readonly Span<ScoredItem> Span => scratch.Items(_count);
}
