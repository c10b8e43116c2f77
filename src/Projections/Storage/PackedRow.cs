using System.Globalization;

namespace PointsEngine.Projections.Storage;

/// Several values of a row read as one text column. Microsoft.Data.Sqlite reads every column value through
/// native calls of its own (type, text, length), and for a query that reads hundreds of rows of six or seven
/// columns those calls were most of its time (a 500-member ranking: about 1 ms of CPU for its periods alone,
/// a quarter of that as one column). The SQL joins the values with a separator (Sql) and the reader splits them
/// back (Next, Rest), on both backends (|| concatenates text in SQLite and PostgreSQL).
internal ref struct PackedRow(string packed)
{
    /// The separator, passed as the parameter @sep: U+001F (unit separator), a control character no identifier,
    /// date, number or enum name can hold.
    public const string Separator = "\u001f";

    public static (string Name, object? Value) Parameter => ("@sep", Separator);

    /// SQL for the packed value of <paramref name="values"/> (SQL expressions of text that are never NULL and never
    /// hold the separator: ids, dates, numbers, enum names) followed by <paramref name="last"/>, any text or NULL,
    /// which Rest gives back exactly (so it may hold the separator too).
    public static string Sql(IEnumerable<string> values, string last) =>
        string.Join(" || @sep || ", values) + $" || @sep || COALESCE('=' || {last}, '')";

    private ReadOnlySpan<char> _rest = packed;

    /// The next value (up to the separator, or the end).
    public ReadOnlySpan<char> Next()
    {
        var end = _rest.IndexOf(Separator[0]);
        var value = end < 0 ? _rest : _rest[..end];
        _rest = end < 0 ? [] : _rest[(end + 1)..];
        return value;
    }

    public string NextString() => new(Next());

    /// The next value, or null when it is empty (ids are never empty).
    public string? NextStringOrNull() => Next() is { IsEmpty: false } value ? new string(value) : null;

    public long NextLong() => long.Parse(Next(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// A yyyy-MM-dd date, as the read models store dates.
    public DateOnly NextDate()
    {
        var d = Next();
        if (d.Length != 10 || d[4] != '-' || d[7] != '-') throw new FormatException($"'{d}' is not a yyyy-MM-dd date.");
        return new DateOnly(Number(d[..4]), Number(d[5..7]), Number(d[8..]));
        static int Number(ReadOnlySpan<char> digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public T NextEnum<T>() where T : struct, Enum => Enum.Parse<T>(Next());

    /// The last value, which may hold the separator: null when it was NULL.
    public readonly string? Rest() => _rest.IsEmpty ? null : new string(_rest[1..]);
}
