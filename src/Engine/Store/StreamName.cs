namespace PointsEngine.Store;

/// A stream's name, e.g. "member-42" or "branch-7". Validated once here so backends can trust it.
public readonly record struct StreamName
{
    public const int MaxLength = 200;

    public string Value { get; }

    public StreamName(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException("A stream name must not be empty.", nameof(value));
        if (value.Length > MaxLength)
            throw new ArgumentException($"A stream name is at most {MaxLength} characters.", nameof(value));
        if (HasControl(value))
            throw new ArgumentException("A stream name must not contain control characters.", nameof(value));
        // A lone surrogate is not valid UTF-8: SQLite would store a different name, PostgreSQL would fail
        // the whole group commit the append shares with other callers.
        if (StorableText.HasLoneSurrogate(value))
            throw new ArgumentException("A stream name must not contain a lone surrogate.", nameof(value));
        Value = value;
    }

    private static bool HasControl(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c)) return true;
        return false;
    }

    public static StreamName For(string category, string id) => new($"{category}-{id}");

    public override string ToString() => Value;
}
